package com.klingvideo.pipeline.local.lambda;

/**
 * Lambda refused the Invoke request itself, before any function ran (an unknown function, a payload
 * that is not JSON...). Carries what the Invoke API answers: an HTTP status and an error type such as
 * {@code ResourceNotFoundException}, which the SDKs turn into exceptions of that name.
 */
public final class InvocationRejectedException extends RuntimeException {
    private final int status;
    private final String errorType;

    InvocationRejectedException(int status, String errorType, String message) {
        super(message);
        this.status = status;
        this.errorType = errorType;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }
}
