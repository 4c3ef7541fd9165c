package com.klingvideo.pipeline.model;

import java.util.Objects;

/**
 * An object in S3, by bucket and (decoded) key, and the version a job is pinned to. A job's images carry
 * the version it was admitted with, so every later read (HEAD, GET, presigned URL) sees those bytes even
 * if the key is overwritten meanwhile.
 *
 * @param versionId the object version, or null for the latest (an unversioned bucket, or an output)
 */
public record S3Location(String bucket, String key, String versionId) {
    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (versionId != null && versionId.isBlank()) {
            versionId = null;
        }
    }

    /** The latest version of an object. */
    public S3Location(String bucket, String key) {
        this(bucket, key, null);
    }

    /** This object, pinned to {@code version} (null: the latest). */
    public S3Location withVersion(String version) {
        return new S3Location(bucket, key, version);
    }

    /** This object's key without a version: the latest. */
    public S3Location latest() {
        return versionId == null ? this : new S3Location(bucket, key, null);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
