package com.klingvideo.pipeline.local.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

/** The error documents Lambda answers when a function fails, in the Java runtime's shape. */
final class FunctionErrors {
    /** What Lambda reports for a function that ran past its timeout; Step Functions matches on it. */
    static final String TIMED_OUT = "Sandbox.Timedout";

    private static final ObjectMapper JSON = new ObjectMapper();

    private FunctionErrors() {
    }

    /**
     * {@code {"errorMessage", "errorType", "stackTrace", "cause"}}: errorType is the exception's class
     * name, which is what a state machine's Retry and Catch match on.
     */
    static byte[] of(Throwable error) {
        return bytes(describe(error, Collections.newSetFromMap(new IdentityHashMap<>())));
    }

    /** {@code {"errorMessage": "RequestId: ... Error: Task timed out after 3.00 seconds", "errorType": "Sandbox.Timedout"}}. */
    static byte[] timedOut(String requestId, Duration timeout) {
        ObjectNode error = JSON.createObjectNode();
        error.put("errorMessage", String.format(Locale.ROOT, "RequestId: %s Error: Task timed out after %.2f seconds",
                requestId, timeout.toMillis() / 1000.0));
        error.put("errorType", TIMED_OUT);
        return bytes(error);
    }

    private static ObjectNode describe(Throwable error, Set<Throwable> seen) {
        seen.add(error);
        ObjectNode node = JSON.createObjectNode();
        if (error.getMessage() != null) {
            node.put("errorMessage", error.getMessage());
        }
        node.put("errorType", error.getClass().getName());
        ArrayNode trace = node.putArray("stackTrace");
        for (StackTraceElement frame : error.getStackTrace()) {
            trace.add(frame.getClassName() + "." + frame.getMethodName() + "("
                    + (frame.getFileName() == null ? "Unknown Source" : frame.getFileName())
                    + (frame.getLineNumber() >= 0 ? ":" + frame.getLineNumber() : "") + ")");
        }
        Throwable cause = error.getCause();
        if (cause != null && !seen.contains(cause)) {
            node.set("cause", describe(cause, seen));
        }
        return node;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("error document not serialisable", e);
        }
    }
}
