package com.klingvideo.pipeline.kling;

import java.util.Locale;

/**
 * An error answer from Kling or a gateway, before it is classified.
 *
 * @param code       Kling's business code ({@code "1303"}), a gateway code ({@code "task_not_exist"}),
 *                   or {@code "http_<status>"} when the body carried none
 * @param httpStatus the HTTP status of the answer
 * @param message    the server's message, possibly empty
 * @param requestId  Kling's {@code request_id}, or null
 */
record KlingError(String code, int httpStatus, String message, String requestId) {

    /** 1003 (token not yet valid) or 1004 (token expired): re-sign and try once more. */
    boolean tokenRejected() {
        return "1003".equals(code) || "1004".equals(code);
    }

    /**
     * The keys themselves were refused (1000-1002, or a 401 that is not about the token's time window,
     * such as a gateway's bad API key): they may have been rotated.
     */
    boolean credentialsRejected() {
        return isCodeBetween(1000, 1002) || (httpStatus == 401 && !tokenRejected());
    }

    /**
     * Whether this says "no such task": HTTP 404, 1203 (resource does not exist), the gateway's
     * {@code task_not_exist}, or a not-found message.
     */
    boolean taskNotFound() {
        if (httpStatus == 404 || "1203".equals(code) || "task_not_exist".equals(code)) {
            return true;
        }
        String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return lower.contains("not found") || lower.contains("not exist");
    }

    /** The numeric business code, or -1 when the code is not a number. */
    int numericCode() {
        if (code == null || code.isEmpty() || code.length() > 9 || !code.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(code);
    }

    boolean isCodeBetween(int from, int to) {
        int numeric = numericCode();
        return numeric >= from && numeric <= to;
    }

    /** The same error with every occurrence of the given secrets masked in its message. */
    KlingError redact(Iterable<String> secrets) {
        String redacted = message;
        for (String secret : secrets) {
            if (redacted != null && secret != null && secret.length() >= 4) {
                redacted = redacted.replace(secret, "***");
            }
        }
        return new KlingError(code, httpStatus, redacted, requestId);
    }
}
