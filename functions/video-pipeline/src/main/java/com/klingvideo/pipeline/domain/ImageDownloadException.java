package com.klingvideo.pipeline.domain;

/** An image URL given by a caller could not be fetched; the message says why. */
public class ImageDownloadException extends RuntimeException {
    public ImageDownloadException(String message) {
        super(message);
    }

    public ImageDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
