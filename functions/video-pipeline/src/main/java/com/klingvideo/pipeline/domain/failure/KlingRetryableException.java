package com.klingvideo.pipeline.domain.failure;

/**
 * A transient Kling failure: rate limit (1302), account concurrency full (1303), server errors
 * (5000-5002), tokens still rejected after a re-sign (1003/1004), timeouts and 5xx without a body.
 * A top-level class on purpose: the state machine names it in {@code Retry}.
 */
public class KlingRetryableException extends KlingException {
    private final boolean ambiguous;

    /**
     * @param ambiguous true when a create request may have reached Kling and created a task anyway
     *                  (timeouts, server errors): look the task up by external_task_id before resubmitting
     */
    public KlingRetryableException(String code, int httpStatus, String message, boolean ambiguous, Throwable cause) {
        super(code, httpStatus, message, cause);
        this.ambiguous = ambiguous;
    }

    public boolean ambiguous() {
        return ambiguous;
    }
}
