package com.klingvideo.pipeline.entrypoints;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.config.Components;
import com.klingvideo.pipeline.domain.StatusChecker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * CheckStatusFunction, the "Check Kling Status" and "Record Failure" states of the state machine.
 * Input {@code {"jobId": "..."}}, or with {@code "error": {"Error": ..., "Cause": ...}} after the
 * state machine's retries ran out. Output {@code {"jobId", "status", "waitSeconds", "pollCount", "inQueue"}},
 * which the "Video Ready?" choice reads and the next Wait uses.
 */
public class CheckStatusHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StatusChecker checker;

    public CheckStatusHandler() {
        this(Components.fromEnvironment().statusChecker());
    }

    public CheckStatusHandler(StatusChecker checker) {
        this.checker = checker;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode request = JSON.readTree(input);
        String jobId = request == null ? null : request.path("jobId").asText(null);
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("input must be a JSON object with a jobId");
        }
        JsonNode error = request.get("error");
        StatusChecker.Step step = error == null || error.isNull()
                ? checker.check(jobId)
                : checker.recordFailure(jobId, error.path("Error").asText("unknown error"),
                        cause(error.path("Cause").asText(null)));
        ObjectNode out = JSON.createObjectNode()
                .put("jobId", step.jobId())
                .put("status", step.status().name())
                .put("waitSeconds", step.waitSeconds())
                .put("pollCount", step.pollCount())
                .put("inQueue", step.inQueue());
        JSON.writeValue(output, out);
    }

    /** Step Functions passes a Lambda error's cause as the error JSON in a string: keep just its message. */
    static String cause(String cause) {
        if (cause == null || !cause.startsWith("{")) {
            return cause;
        }
        try {
            JsonNode parsed = JSON.readTree(cause);
            return parsed.hasNonNull("errorMessage") ? parsed.get("errorMessage").asText() : cause;
        } catch (IOException e) {
            return cause;
        }
    }
}
