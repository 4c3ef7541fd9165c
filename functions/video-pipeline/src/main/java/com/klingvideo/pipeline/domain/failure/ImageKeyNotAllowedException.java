package com.klingvideo.pipeline.domain.failure;

/**
 * A request named an image by {@code s3Key} outside the prefixes its caller may use. Decided from the key
 * alone, before the bucket is asked, so the refusal says nothing of whether the object exists.
 */
public final class ImageKeyNotAllowedException extends RuntimeException {
    private final String field;

    public ImageKeyNotAllowedException(String field) {
        super(field + ".s3Key is not a key this caller may name: use the caller's own API input prefix or a"
                + " shared image prefix");
        this.field = field;
    }

    /** {@code image} or {@code imageTail}. */
    public String field() {
        return field;
    }
}
