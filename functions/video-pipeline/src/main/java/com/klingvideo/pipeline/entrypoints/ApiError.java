package com.klingvideo.pipeline.entrypoints;

/**
 * The codes the jobs API answers errors with, and their HTTP statuses: the one list of them. The
 * README's table is checked against it.
 */
public enum ApiError {
    INVALID_REQUEST(400, "the request is not valid: the body, a field or a query parameter (the fields name each)"),
    FORBIDDEN(403, "an admin route without IAM authorization, or a jobs route reached without a caller"),
    S3_KEY_NOT_ALLOWED(403, "an s3Key the caller may not name"),
    JOB_NOT_FOUND(404, "no such job, or not the caller's"),
    NOT_FOUND(404, "no such route"),
    PAYLOAD_TOO_LARGE(413, "the body is larger than Lambda's payload limit allows"),
    INTERNAL_ERROR(500, "anything else; retry with the same idempotency key");

    private final int status;
    private final String meaning;

    ApiError(int status, String meaning) {
        this.status = status;
        this.meaning = meaning;
    }

    public int status() {
        return status;
    }

    /** When the API answers with it. */
    public String meaning() {
        return meaning;
    }
}
