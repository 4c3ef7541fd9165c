package com.klingvideo.pipeline.aws;

import com.klingvideo.pipeline.fakes.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.kling.KlingCredentials;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

class SecretsManagerKlingCredentialsTest {

    private static final String SECRET_ID = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kling-AbCdEf";
    private static final Duration TTL = Duration.ofMinutes(5);

    private final FakeSdkHttpClient http = new FakeSdkHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-04T05:00:00Z"));
    private final SecretsManagerKlingCredentials source =
            new SecretsManagerKlingCredentials(TestSdkClients.secretsManager(http), SECRET_ID, clock, TTL);

    @Test
    void get_should_returnOfficialKeys_when_secretHasAccessAndSecretKey() {
        // GIVEN the secret holds an official key pair
        respondWithSecret("{\"accessKey\":\"ak-1\",\"secretKey\":\"sk-1\"}");

        // WHEN the keys are read
        KlingCredentials credentials = source.get();

        // THEN they come from the configured secret
        assertThat(credentials).isEqualTo(KlingCredentials.official("ak-1", "sk-1"));
        assertThat(http.onlyRequest().target()).isEqualTo("secretsmanager.GetSecretValue");
        assertThat(http.onlyRequest().json().path("SecretId").asText()).isEqualTo(SECRET_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"apiKey\":\"gw-1\"}", "{\"api_key\":\"gw-1\"}"})
    void get_should_returnGatewayKey_when_secretHasApiKey(String secret) {
        // GIVEN the secret holds a gateway key, in camelCase or snake_case
        respondWithSecret(secret);

        // WHEN / THEN
        assertThat(source.get()).isEqualTo(KlingCredentials.gateway("gw-1"));
    }

    @Test
    void get_should_acceptSnakeCase_when_secretHasAccessKeyPair() {
        // GIVEN snake_case names
        respondWithSecret("{\"access_key\":\"ak-1\",\"secret_key\":\"sk-1\"}");

        // WHEN / THEN
        assertThat(source.get()).isEqualTo(KlingCredentials.official("ak-1", "sk-1"));
    }

    @Test
    void constructor_should_notReadTheSecret_when_called() {
        // GIVEN / WHEN a source was built (in setup)

        // THEN nothing was fetched yet: cold starts do not pay for keys they may not need
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void get_should_useCache_when_withinTtl_and_readAgain_when_expired() {
        // GIVEN the secret, then a rotated secret
        respondWithSecret("{\"apiKey\":\"old\"}");
        respondWithSecret("{\"apiKey\":\"new\"}");

        // WHEN read twice within the TTL, then after it
        KlingCredentials first = source.get();
        clock.advance(TTL.minusSeconds(1));
        KlingCredentials second = source.get();
        clock.advance(Duration.ofSeconds(1));
        KlingCredentials third = source.get();

        // THEN Secrets Manager was asked once per TTL
        assertThat(first.apiKey()).isEqualTo("old");
        assertThat(second).isSameAs(first);
        assertThat(third.apiKey()).isEqualTo("new");
        assertThat(http.requests()).hasSize(2);
    }

    @Test
    void refresh_should_dropTheCache_when_called() {
        // GIVEN cached keys that Kling has just refused
        respondWithSecret("{\"apiKey\":\"old\"}");
        respondWithSecret("{\"apiKey\":\"new\"}");
        source.get();

        // WHEN the cache is refreshed
        source.refresh();

        // THEN the next read goes to Secrets Manager
        assertThat(source.get().apiKey()).isEqualTo("new");
        assertThat(http.requests()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"accessKey\":\"SENSITIVE-ak\"}",
        "{\"token\":\"SENSITIVE-token\"}",
        "{\"apiKey\":\"\",\"note\":\"SENSITIVE\"}",
        "SENSITIVE-not-json {",
        "[\"SENSITIVE\"]",
        "   "})
    void get_should_failWithoutRevealingTheSecret_when_fieldsAreMissingOrInvalid(String secret) {
        // GIVEN a secret without a usable key set
        respondWithSecret(secret);

        // WHEN / THEN the error names the secret and the expected fields, not the content
        assertThatThrownBy(source::get)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(SECRET_ID)
                .hasMessageContaining("accessKey")
                .hasMessageContaining("apiKey")
                .hasNoCause()
                .satisfies(e -> assertThat(e.toString()).doesNotContain("SENSITIVE"));
    }

    @Test
    void get_should_fail_when_secretIsBinary() {
        // GIVEN a secret stored as binary, without a secret string
        http.respond(200, "{\"ARN\":\"" + SECRET_ID + "\",\"SecretBinary\":\"AAEC\"}",
                "Content-Type", "application/x-amz-json-1.1");

        // WHEN / THEN
        assertThatThrownBy(source::get).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no secret string");
    }

    @Test
    void get_should_propagate_when_secretDoesNotExist() {
        // GIVEN a wrong secret id
        http.respond(400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"not found\"}",
                "Content-Type", "application/x-amz-json-1.1");

        // WHEN / THEN
        assertThatThrownBy(source::get).isInstanceOf(ResourceNotFoundException.class);
    }

    private void respondWithSecret(String secretString) {
        String body = new ObjectMapper().createObjectNode()
                .put("ARN", SECRET_ID)
                .put("Name", "kling")
                .put("SecretString", secretString)
                .toString();
        http.respond(200, body, "Content-Type", "application/x-amz-json-1.1");
    }
}
