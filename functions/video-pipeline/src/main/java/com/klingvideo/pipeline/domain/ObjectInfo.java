package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.model.S3Location;
import java.time.Instant;
import java.util.Map;

/**
 * What a HEAD of an object tells.
 *
 * @param location the object, pinned to the version described (when the bucket keeps versions)
 *
 * @param metadata user metadata without the {@code x-amz-meta-} prefix, keys in lower case
 */
public record ObjectInfo(
        S3Location location,
        long sizeBytes,
        String eTag,
        String versionId,
        String contentType,
        Map<String, String> metadata,
        Instant lastModified) {

    public ObjectInfo {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
