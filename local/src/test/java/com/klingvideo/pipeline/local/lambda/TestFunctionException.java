package com.klingvideo.pipeline.local.lambda;

/** A top-level exception class, as a state machine's Retry names one. */
public class TestFunctionException extends RuntimeException {
    public TestFunctionException(String message, Throwable cause) {
        super(message, cause);
    }
}
