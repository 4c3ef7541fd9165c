package com.klingvideo.pipeline.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.kling.KlingCredentials;
import com.klingvideo.pipeline.kling.KlingCredentialsSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Kling keys from one Secrets Manager secret, read on first use and cached for {@code cacheTtl}. The
 * secret string is JSON: {@code {"accessKey","secretKey"}} for the official API, {@code {"apiKey"}}
 * for a gateway (both sets may be present; snake_case names are accepted too). Error messages name
 * the secret and the expected fields, never the secret's content.
 */
public final class SecretsManagerKlingCredentials implements KlingCredentialsSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPECTED =
            "expected JSON {\"accessKey\":...,\"secretKey\":...} or {\"apiKey\":...}"
            + " (access_key, secret_key, api_key also accepted)";

    private final SecretsManagerClient secretsManager;
    private final String secretId;
    private final Clock clock;
    private final Duration cacheTtl;

    private KlingCredentials cached;
    private Instant cachedUntil;

    public SecretsManagerKlingCredentials(
            SecretsManagerClient secretsManager, String secretId, Clock clock, Duration cacheTtl) {
        this.secretsManager = Objects.requireNonNull(secretsManager, "secretsManager");
        this.secretId = Objects.requireNonNull(secretId, "secretId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
    }

    @Override
    public synchronized KlingCredentials get() {
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(cachedUntil)) {
            cached = read();
            cachedUntil = now.plus(cacheTtl);
        }
        return cached;
    }

    @Override
    public synchronized void refresh() {
        cached = null;
        cachedUntil = null;
    }

    private KlingCredentials read() {
        String secret = secretsManager.getSecretValue(r -> r.secretId(secretId)).secretString();
        if (secret == null || secret.isBlank()) {
            throw invalid("has no secret string");
        }
        JsonNode json;
        try {
            json = JSON.readTree(secret);
        } catch (JsonProcessingException e) {
            // Not chained: the parser's message quotes the secret's text.
            throw invalid("is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw invalid("is not a JSON object");
        }
        String accessKey = field(json, "accessKey", "access_key");
        String secretKey = field(json, "secretKey", "secret_key");
        String apiKey = field(json, "apiKey", "api_key");
        if ((accessKey == null) != (secretKey == null)) {
            throw invalid("has only one of accessKey and secretKey");
        }
        if (accessKey == null && apiKey == null) {
            throw invalid("has neither accessKey/secretKey nor apiKey");
        }
        return new KlingCredentials(accessKey, secretKey, apiKey);
    }

    private static String field(JsonNode json, String name, String snakeName) {
        JsonNode value = json.hasNonNull(name) ? json.get(name) : json.get(snakeName);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private IllegalStateException invalid(String why) {
        return new IllegalStateException("Kling secret " + secretId + " " + why + "; " + EXPECTED);
    }
}
