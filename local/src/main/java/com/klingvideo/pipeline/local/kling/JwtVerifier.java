package com.klingvideo.pipeline.local.kling;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the official API's {@code Authorization: Bearer <JWT>} as Kling does: HS256 over
 * {@code header.payload} with the secret key, {@code iss} equal to the access key, {@code exp}
 * (required) and {@code nbf} (optional) in Unix seconds against the simulator's clock, no leeway.
 * The signature is checked before the times, so a forged token learns nothing about them.
 * <ul>
 *   <li>1001: no Authorization header, or an empty token;</li>
 *   <li>1002: not a Bearer JWT, not base64url/JSON, not HS256, no numeric {@code exp};</li>
 *   <li>1000: wrong signature or unknown {@code iss};</li>
 *   <li>1003: {@code nbf} is in the future; 1004: {@code exp} has passed.</li>
 * </ul>
 */
final class JwtVerifier {

    private static final String BEARER = "Bearer ";

    private final String accessKey;
    private final SecretKeySpec key;
    private final Clock clock;

    JwtVerifier(String accessKey, String secretKey, Clock clock) {
        this.accessKey = accessKey;
        this.key = new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.clock = clock;
    }

    void verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized(1001, "Authorization is empty");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw invalid();
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (token.isEmpty()) {
            throw unauthorized(1001, "Authorization is empty");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw invalid();
        }
        JsonNode header = decodeJson(parts[0]);
        JsonNode claims = decodeJson(parts[1]);
        byte[] signature = decode(parts[2]);
        if (!"HS256".equals(header.path("alg").asText(null))) {
            throw invalid();
        }
        if (!MessageDigest.isEqual(signature, sign(parts[0] + "." + parts[1]))
                || !accessKey.equals(claims.path("iss").asText(null))) {
            throw unauthorized(1000, "Authentication failed");
        }
        JsonNode exp = claims.get("exp");
        JsonNode nbf = claims.get("nbf");
        if (exp == null || !exp.isNumber() || (nbf != null && !nbf.isNumber())) {
            throw invalid();
        }
        long now = clock.instant().getEpochSecond();
        if (nbf != null && now < nbf.asLong()) {
            throw unauthorized(1003, "Authorization is not yet valid");
        }
        if (now >= exp.asLong()) {
            throw unauthorized(1004, "Authorization has expired");
        }
    }

    private byte[] sign(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static JsonNode decodeJson(String part) {
        JsonNode node = Json.readOrNull(decode(part));
        if (node == null || !node.isObject()) {
            throw invalid();
        }
        return node;
    }

    private static byte[] decode(String part) {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static ApiFailure invalid() {
        return unauthorized(1002, "Authorization is invalid");
    }

    private static ApiFailure unauthorized(int code, String message) {
        return ApiFailure.kling(401, code, message);
    }
}
