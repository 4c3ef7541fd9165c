package com.klingvideo.pipeline.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.domain.failure.KlingAccountException;
import com.klingvideo.pipeline.domain.failure.KlingException;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import com.klingvideo.pipeline.domain.failure.KlingTaskExistsException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the error in a Kling or gateway answer and turns it into the domain's exceptions. The
 * business code decides, not the HTTP status (429 means both "slow down" and "no money left"):
 * <ul>
 *   <li>1302, 1303 (rate limit, concurrency full): retryable; the server said no, so not ambiguous;</li>
 *   <li>5000-5002, unknown codes with a 5xx, 5xx without a readable body: retryable, ambiguous for a create;</li>
 *   <li>1003, 1004 still refused after a re-sign: retryable, not ambiguous;</li>
 *   <li>1100-1102, gateway {@code quota_not_enough}: account;</li>
 *   <li>a create's 1200-1203 saying its external_task_id already exists: the task exists (an earlier
 *       attempt reached Kling);</li>
 *   <li>1000-1002, 1103, 1200-1203, 1300, 1301, 1304, gateway {@code task_not_exist},
 *       {@code get_price_scale_failed}, {@code model_not_found}, any other code with a 4xx: rejected.</li>
 * </ul>
 * A gateway's {@code fail_to_fetch_task} carries Kling's own error body as a string in its message; the
 * Kling code inside wins.
 */
final class KlingErrorClassifier {

    private static final int MAX_MESSAGE_LENGTH = 300;
    /** How Kling words a create whose external_task_id is taken: "external_task_id already exists". */
    private static final Pattern TASK_EXISTS = Pattern.compile(
            "(?i)external_task_id.*(already exist|duplicate|exists)|(duplicate|already exist).*external_task_id");

    private KlingErrorClassifier() {
    }

    /** The error carried by this answer, or empty when it is a success. */
    static Optional<KlingError> detect(int httpStatus, String body) {
        boolean success = httpStatus >= 200 && httpStatus < 300;
        JsonNode root = KlingJson.readOrNull(body);
        if (root != null && root.isObject()) {
            JsonNode openAiError = root.get("error");
            if (openAiError != null && openAiError.isObject()) {
                String code = firstNonBlank(KlingJson.text(openAiError, "code"), KlingJson.text(openAiError, "type"), "http_" + httpStatus);
                return Optional.of(new KlingError(code, httpStatus, orEmpty(KlingJson.text(openAiError, "message")), null));
            }
            String code = KlingJson.text(root, "code");
            if (code != null && !code.isBlank() && !isSuccessCode(code)) {
                String message = orEmpty(KlingJson.text(root, "message"));
                return Optional.of(embeddedKlingError(message, httpStatus)
                        .orElseGet(() -> new KlingError(code.trim(), httpStatus, message, KlingJson.text(root, "request_id"))));
            }
        }
        if (success) {
            return Optional.empty();
        }
        return Optional.of(new KlingError("http_" + httpStatus, httpStatus, "", null));
    }

    static KlingException toException(KlingError error, KlingOperation operation) {
        String message = "Kling " + operation.label() + " failed: " + describe(error);
        int code = error.numericCode();
        if (error.tokenRejected()) {
            return new KlingRetryableException(error.code(), error.httpStatus(), message + " (still refused after re-signing the token)", false, null);
        }
        if (operation == KlingOperation.CREATE && error.isCodeBetween(1200, 1203)
                && TASK_EXISTS.matcher(error.message()).find()) {
            return new KlingTaskExistsException(error.code(), error.httpStatus(), message);
        }
        if (error.isCodeBetween(1000, 1002) || code == 1103 || error.isCodeBetween(1200, 1203)
                || code == 1300 || code == 1301 || code == 1304) {
            return new KlingRejectedException(error.code(), error.httpStatus(), message);
        }
        if (error.isCodeBetween(1100, 1102) || "quota_not_enough".equals(error.code())) {
            return new KlingAccountException(error.code(), error.httpStatus(), message);
        }
        if (code == 1302 || code == 1303) {
            return new KlingRetryableException(error.code(), error.httpStatus(), message, false, null);
        }
        if (error.isCodeBetween(5000, 5002)) {
            return new KlingRetryableException(error.code(), error.httpStatus(), message, operation.mayCreateTask(), null);
        }
        switch (error.code()) {
            case "task_not_exist", "get_price_scale_failed", "model_not_found" -> {
                return new KlingRejectedException(error.code(), error.httpStatus(), message);
            }
            default -> {
                // an unknown code: the HTTP status is all there is to go on
            }
        }
        if (error.httpStatus() >= 500) {
            return new KlingRetryableException(error.code(), error.httpStatus(), message, operation.mayCreateTask(), null);
        }
        if (error.httpStatus() == 429 && error.code().startsWith("http_")) {
            // throttled by something in front of Kling that gave no business code
            return new KlingRetryableException(error.code(), error.httpStatus(), message, false, null);
        }
        return new KlingRejectedException(error.code(), error.httpStatus(), message);
    }

    /** A 2xx answer with no task in it: for a create the task may exist anyway. */
    static KlingRetryableException unreadable(int httpStatus, KlingOperation operation, String what) {
        String advice = operation.mayCreateTask() ? "; the task may exist: look it up by external_task_id before resubmitting" : "";
        return new KlingRetryableException("unreadable_response", httpStatus,
                "Kling " + operation.label() + " answered HTTP " + httpStatus + " but " + what + advice,
                operation.mayCreateTask(), null);
    }

    /** No answer at all. A create that never connected cannot have created a task. */
    static KlingRetryableException transportFailure(IOException failure, KlingOperation operation) {
        boolean neverSent = failure instanceof HttpConnectTimeoutException || failure instanceof ConnectException;
        String code = failure instanceof HttpTimeoutException ? "timeout" : "io";
        return new KlingRetryableException(code, 0,
                "Kling " + operation.label() + " got no answer (" + code + ": " + failure.getClass().getSimpleName()
                        + (failure.getMessage() == null ? "" : " " + failure.getMessage()) + ")",
                operation.mayCreateTask() && !neverSent, failure);
    }

    private static String describe(KlingError error) {
        StringBuilder text = new StringBuilder("code ").append(error.code());
        if (!error.message().isEmpty()) {
            String message = error.message().length() > MAX_MESSAGE_LENGTH
                    ? error.message().substring(0, MAX_MESSAGE_LENGTH) + "..."
                    : error.message();
            text.append(" '").append(message).append('\'');
        }
        text.append(" (HTTP ").append(error.httpStatus());
        if (error.requestId() != null) {
            text.append(", request_id ").append(error.requestId());
        }
        return text.append(')').toString();
    }

    /** Kling's JSON error body, passed by a gateway as the string message of {@code fail_to_fetch_task}. */
    private static Optional<KlingError> embeddedKlingError(String message, int httpStatus) {
        int start = message.indexOf('{');
        int end = message.lastIndexOf('}');
        if (start < 0 || end <= start) {
            return Optional.empty();
        }
        JsonNode inner = KlingJson.readOrNull(message.substring(start, end + 1));
        String code = KlingJson.text(inner, "code");
        if (code == null || code.isBlank() || isSuccessCode(code)) {
            return Optional.empty();
        }
        return Optional.of(new KlingError(code.trim(), httpStatus, orEmpty(KlingJson.text(inner, "message")), KlingJson.text(inner, "request_id")));
    }

    private static boolean isSuccessCode(String code) {
        String trimmed = code.trim();
        return trimmed.equals("0") || trimmed.equalsIgnoreCase("success");
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        throw new IllegalArgumentException("no fallback value");
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
