package com.klingvideo.pipeline.local.kling;

/**
 * A failure the simulator can answer a request with instead of doing its work (see {@link Faults}).
 * The codes and HTTP statuses are Kling's; a gateway passes the Kling ones on as
 * {@code fail_to_fetch_task} with Kling's body in its message, as real gateways do.
 */
public enum Fault {
    /** HTTP 500, code 5000: Kling's internal error. For a create, the task may or may not exist. */
    SERVER_ERROR_5000(500, 5000, "internal server error"),
    /** HTTP 429, code 1302: too many requests; retry with backoff. */
    RATE_LIMIT_1302(429, 1302, "rate limit exceeded"),
    /** HTTP 429, code 1303: the account's parallel tasks are all taken. */
    CONCURRENCY_1303(429, 1303, "parallel task over resource pack limit"),
    /** HTTP 429, code 1102: the resource pack is used up; every further job fails the same way. */
    ACCOUNT_1102(429, 1102, "resource pack exhausted"),
    /** HTTP 503 with no body at all, as a load balancer in front of Kling answers. */
    HTTP_503_NO_BODY(503, 0, ""),
    /**
     * No answer for the configured stall duration (longer than a client's read timeout), then the
     * request is served normally: a create stalled this way still creates its task, which is the
     * ambiguous case a client repairs by looking the task up by external_task_id.
     */
    TIMEOUT(0, 0, ""),
    /**
     * The create is served (its task exists), then its answer is held back for the configured stall
     * duration: the client times out on a create that did create a task.
     */
    LOST_ANSWER(0, 0, "");

    private final int httpStatus;
    private final int code;
    private final String message;

    Fault(int httpStatus, int code, String message) {
        this.httpStatus = httpStatus;
        this.code = code;
        this.message = message;
    }

    /** The error this fault answers with; TIMEOUT and LOST_ANSWER have none (they delay). */
    ApiFailure failure() {
        return switch (this) {
            case HTTP_503_NO_BODY -> ApiFailure.noBody(httpStatus);
            case TIMEOUT, LOST_ANSWER -> throw new IllegalStateException(this + " delays a request; it has no error answer");
            default -> ApiFailure.kling(httpStatus, code, message);
        };
    }
}
