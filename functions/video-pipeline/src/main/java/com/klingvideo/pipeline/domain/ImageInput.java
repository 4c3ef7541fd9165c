package com.klingvideo.pipeline.domain;

/**
 * An image given to the API: exactly one of an https URL, raw base64, or a key in the media bucket.
 */
public record ImageInput(String url, String base64, String s3Key) {
}
