package com.klingvideo.pipeline.domain.failure;

/**
 * An image URL given by a caller could not be fetched. {@link #getMessage()} is the same for every
 * cause, so a caller cannot probe the network with it (a refused address, a closed or an open port, a
 * missing host all read alike); {@link #detail()} says what happened, for the log only.
 */
public class ImageDownloadException extends RuntimeException {
    public static final String MESSAGE = "the image could not be fetched from this URL";

    private final String detail;

    public ImageDownloadException(String detail) {
        this(detail, null);
    }

    public ImageDownloadException(String detail, Throwable cause) {
        super(MESSAGE, cause);
        this.detail = detail;
    }

    /** What went wrong, naming the URL without its query: for the log, never for the caller. */
    public String detail() {
        return detail;
    }
}
