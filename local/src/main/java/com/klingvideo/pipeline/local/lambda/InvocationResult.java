package com.klingvideo.pipeline.local.lambda;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What one synchronous invocation returned, as Lambda's Invoke answers it: the response payload, and
 * the function error's type when the function failed (then the payload is Lambda's error document
 * {@code {"errorMessage", "errorType", "stackTrace"}}).
 *
 * @param payload   the response payload (the handler's output, or the error document)
 * @param errorType the exception's class name, {@code Sandbox.Timedout} for a timeout, or null on success
 */
public record InvocationResult(byte[] payload, String errorType) {
    public InvocationResult {
        Objects.requireNonNull(payload, "payload");
    }

    public boolean failed() {
        return errorType != null;
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
