package com.klingvideo.pipeline.domain.failure;

/** Content larger than the caller is willing to read. */
public class MediaTooLargeException extends RuntimeException {
    public MediaTooLargeException(String what, long maxBytes) {
        super(what + " is larger than " + maxBytes + " bytes");
    }
}
