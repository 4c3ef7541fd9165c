package com.klingvideo.pipeline.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Job ids. Deterministic wherever the input has an identity, so that a repeated event or request maps
 * to the same job: the id is the DynamoDB key (admitted once), the execution name (started once) and
 * Kling's external_task_id (created once). 34 characters of {@code [a-z0-9-]}, valid in all three.
 */
public final class JobIds {
    private JobIds() {
    }

    /**
     * The job of one stored version of an uploaded image.
     *
     * @param versionId the S3 version id, or null when the bucket is not versioned (then the ETag identifies the content)
     */
    public static String forObject(String bucket, String key, String versionId, String eTag) {
        String identity = versionId != null && !versionId.isBlank() && !"null".equals(versionId)
                ? "version:" + versionId
                : "etag:" + stripQuotes(eTag);
        return "u-" + digest("s3\n" + bucket + "\n" + key + "\n" + identity);
    }

    /** The job of an API request carrying an idempotency key, scoped to the caller. */
    public static String forIdempotencyKey(String caller, String idempotencyKey) {
        return "a-" + digest("api\n" + caller + "\n" + idempotencyKey);
    }

    /** A fresh id for an API request without an idempotency key. */
    public static String random() {
        return "a-" + digest("random\n" + UUID.randomUUID());
    }

    private static String stripQuotes(String eTag) {
        if (eTag == null) {
            return "";
        }
        return eTag.replace("\"", "");
    }

    /** 32 hex characters of the SHA-256 of {@code text}. */
    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
