package com.klingvideo.pipeline.domain.failure;

/**
 * A failed call to Kling, classified by Kling's business code (not the HTTP status: 429 means both
 * "slow down" and "no money left").
 */
public abstract class KlingException extends RuntimeException {
    private final String code;
    private final int httpStatus;

    protected KlingException(String code, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** Kling's business code ({@code "1303"}), a gateway code ({@code "task_not_exist"}), or a local one ({@code "timeout"}). */
    public String code() {
        return code;
    }

    /** The HTTP status, or 0 when no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }
}
