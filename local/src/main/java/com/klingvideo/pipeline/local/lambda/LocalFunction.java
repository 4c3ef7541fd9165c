package com.klingvideo.pipeline.local.lambda;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One function as the local host runs it: what the template says about it, and nothing the host
 * could not honour.
 *
 * @param name            the function's name, which Invoke requests use (by name or in an ARN)
 * @param handler         {@code com.example.Handler::handleRequest}, as {@code Handler} in the template
 * @param environment     the function's environment variables; the handler's services are built from
 *                        this map, never from the host process's environment
 * @param timeout         how long one invocation may run before it is reported as timed out
 * @param maxEventRetries retries after a failed asynchronous ({@code Event}) invocation, 0 to 2 as
 *                        {@code EventInvokeConfig.MaximumRetryAttempts}
 */
public record LocalFunction(String name, String handler, Map<String, String> environment, Duration timeout,
                            int maxEventRetries) {
    /** Lambda's default when a function does not set {@code MemorySize}. */
    static final int DEFAULT_MEMORY_MB = 128;

    public LocalFunction {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("function name is required");
        }
        Objects.requireNonNull(handler, "handler");
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + ": timeout must be positive, not " + timeout);
        }
        if (maxEventRetries < 0 || maxEventRetries > 2) {
            throw new IllegalArgumentException(name + ": maxEventRetries must be 0, 1 or 2, not " + maxEventRetries);
        }
        memoryOf(name, environment);
    }

    /** The class part of {@link #handler()}. */
    String handlerClass() {
        int separator = handler.indexOf("::");
        return separator < 0 ? handler : handler.substring(0, separator);
    }

    /** The method part of {@link #handler()}, or null when the handler names only a class. */
    String handlerMethod() {
        int separator = handler.indexOf("::");
        return separator < 0 ? null : handler.substring(separator + 2);
    }

    /** {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE} when the environment sets it, as Lambda does, else 128. */
    int memoryMb() {
        return memoryOf(name, environment);
    }

    private static int memoryOf(String name, Map<String, String> environment) {
        String value = environment.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
        try {
            return value == null || value.isBlank() ? DEFAULT_MEMORY_MB : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": AWS_LAMBDA_FUNCTION_MEMORY_SIZE is not a number: " + value);
        }
    }
}
