package com.klingvideo.pipeline.model;

/**
 * The finished video.
 *
 * @param sourceUrl       Kling's signed URL (expires; kept for reference)
 * @param storedKey       where the copy lives in the media bucket
 * @param sizeBytes       size of the stored copy
 * @param durationSeconds as Kling reports it, for example {@code "5.1"}
 */
public record VideoResult(String sourceUrl, String storedKey, long sizeBytes, String durationSeconds) {
}
