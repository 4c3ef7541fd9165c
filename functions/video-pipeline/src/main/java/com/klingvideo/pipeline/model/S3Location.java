package com.klingvideo.pipeline.model;

import java.util.Objects;

/** An object in S3, by bucket and (decoded) key. */
public record S3Location(String bucket, String key) {
    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
