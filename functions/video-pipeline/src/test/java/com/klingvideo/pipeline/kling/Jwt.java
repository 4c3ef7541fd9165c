package com.klingvideo.pipeline.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A JWT taken apart by the test itself, so the production signer is checked against an independent reading. */
record Jwt(String raw, JsonNode header, JsonNode claims, String signingInput, String signature) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Jwt decode(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new AssertionError("not a three-part JWT: " + parts.length + " parts");
        }
        try {
            return new Jwt(token,
                    JSON.readTree(Base64.getUrlDecoder().decode(parts[0])),
                    JSON.readTree(Base64.getUrlDecoder().decode(parts[1])),
                    parts[0] + "." + parts[1],
                    parts[2]);
        } catch (Exception e) {
            throw new AssertionError("JWT parts are not base64url JSON", e);
        }
    }

    /** The HS256 signature this token should carry, recomputed from scratch. */
    String expectedSignature(String secretKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    long claim(String name) {
        return claims.get(name).asLong();
    }
}
