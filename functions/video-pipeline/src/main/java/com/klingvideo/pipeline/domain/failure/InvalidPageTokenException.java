package com.klingvideo.pipeline.domain.failure;

/** A list request's {@code nextToken} is not one this store issued; the message says what to pass instead. */
public class InvalidPageTokenException extends IllegalArgumentException {
    public InvalidPageTokenException(String message) {
        super(message);
    }
}
