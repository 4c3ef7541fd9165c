package com.klingvideo.pipeline.kling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and caches the official API's JWT (HS256; {@code iss} = access key, {@code exp} = now + 30 min,
 * {@code nbf} = now - 5 s). A token is minted on first use and re-signed once less than
 * {@link #REFRESH_BEFORE_EXPIRY} of it is left, or at once after {@link #invalidate()}. Nothing is
 * signed at construction: a SnapStart snapshot must not carry a token whose clock has stopped.
 */
final class KlingTokens {

    static final Duration LIFETIME = Duration.ofMinutes(30);
    static final Duration NOT_BEFORE_SKEW = Duration.ofSeconds(5);
    static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private static final String HEADER = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final Clock clock;
    private Cached cached;

    KlingTokens(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A token for these keys, valid for at least {@link #REFRESH_BEFORE_EXPIRY}. */
    synchronized String token(KlingCredentials credentials) {
        Instant now = clock.instant();
        if (cached == null
                || !cached.credentials.equals(credentials)
                || !now.isBefore(cached.expiresAt.minus(REFRESH_BEFORE_EXPIRY))) {
            cached = new Cached(credentials, sign(credentials.accessKey(), credentials.secretKey(), now), now.plus(LIFETIME));
        }
        return cached.token;
    }

    /** Forgets the cached token (Kling said it is not yet valid or expired). */
    synchronized void invalidate() {
        cached = null;
    }

    static String sign(String accessKey, String secretKey, Instant now) {
        ObjectNode claims = KlingJson.MAPPER.createObjectNode()
                .put("iss", accessKey)
                .put("exp", now.plus(LIFETIME).getEpochSecond())
                .put("nbf", now.minus(NOT_BEFORE_SKEW).getEpochSecond());
        String signingInput = HEADER + "." + base64Url(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + base64Url(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is mandatory in every JDK; this only happens on a broken runtime.
            throw new IllegalStateException("cannot sign a Kling token with HmacSHA256", e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private record Cached(KlingCredentials credentials, String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Cached[expiresAt=" + expiresAt + "]";
        }
    }
}
