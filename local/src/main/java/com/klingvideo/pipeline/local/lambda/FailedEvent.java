package com.klingvideo.pipeline.local.lambda;

/**
 * An asynchronous invocation that failed every attempt: what Lambda hands to the function's on-failure
 * destination.
 *
 * @param attempts how many times the function ran (1 + retries)
 */
public record FailedEvent(String functionName, String requestId, byte[] payload, InvocationResult result, int attempts) {
}
