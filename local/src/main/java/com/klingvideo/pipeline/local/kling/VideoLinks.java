package com.klingvideo.pipeline.local.kling;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed video URLs, like Kling's CDN: {@code /videos/<taskId>.mp4?sig=<HMAC>&expires=<epoch seconds>}.
 * The signature is standard base64 (with {@code + / =}), percent-encoded in the URL as S3 and CloudFront
 * signatures are, and it is compared exactly as sent: a client that drops the query, decodes it or
 * encodes it again is refused.
 * The key is random per simulator: URLs do not survive a restart, as they would not survive Kling's
 * 30-day deletion.
 */
final class VideoLinks {

    private static final Pattern PATH = Pattern.compile("/videos/([0-9]{1,30})\\.mp4");

    private final Clock clock;
    private final Duration ttl;
    private final SecretKeySpec key;

    VideoLinks(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** Path and query of a fresh URL for this task's video. */
    String pathAndQuery(String taskId) {
        String path = "/videos/" + taskId + ".mp4";
        long expires = clock.instant().plus(ttl).getEpochSecond();
        return path + "?sig=" + encodedSignature(path, expires) + "&expires=" + expires;
    }

    /** The task id of a video path, or empty when the path is not one. */
    static Optional<String> taskIdOf(String rawPath) {
        Matcher matcher = PATH.matcher(rawPath);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** Whether the query carries exactly one valid, unexpired signature for this path. */
    boolean verify(String rawPath, String rawQuery) {
        if (rawQuery == null) {
            return false;
        }
        Map<String, String> parameters = new HashMap<>();
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            if (equals < 0 || parameters.put(pair.substring(0, equals), pair.substring(equals + 1)) != null) {
                return false;
            }
        }
        String sig = parameters.get("sig");
        String expires = parameters.get("expires");
        if (sig == null || expires == null || parameters.size() != 2 || !expires.matches("[0-9]{1,12}")) {
            return false;
        }
        long expiresAt = Long.parseLong(expires);
        return clock.instant().getEpochSecond() < expiresAt
                && MessageDigest.isEqual(sig.getBytes(StandardCharsets.UTF_8),
                        encodedSignature(rawPath, expiresAt).getBytes(StandardCharsets.UTF_8));
    }

    private String encodedSignature(String path, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] signature = mac.doFinal((path + "\n" + expires).getBytes(StandardCharsets.UTF_8));
            return URLEncoder.encode(Base64.getEncoder().encodeToString(signature), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
