package com.klingvideo.pipeline.domain.failure;

/**
 * Content that is not a readable JPEG or PNG: another format, empty, truncated or corrupt. The message
 * says which, precisely enough to fix the file; it does not name the field, the caller does.
 */
public class InvalidImageException extends RuntimeException {
    public InvalidImageException(String message) {
        super(message);
    }
}
