package com.klingvideo.pipeline.local.api;

/**
 * The answers API Gateway gives itself, without the function: its gateway response type, default
 * status and message ({@code {"message": "..."}} unless the API customises the response).
 */
enum GatewayError {
    /** No resource and method match the request (API Gateway does not say 404 or 405). */
    MISSING_AUTHENTICATION_TOKEN("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token"),
    /** The method requires an API key and the request has none, or an unknown one. */
    INVALID_API_KEY("INVALID_API_KEY", 403, "Forbidden"),
    /** An IAM-authorized method got a request whose SigV4 signature does not verify, or is too old. */
    INVALID_SIGNATURE("INVALID_SIGNATURE", 403, "The request signature we calculated does not match the signature"
            + " you provided. Check your AWS Secret Access Key and signing method."),
    /** An IAM-authorized method got a request signed with credentials it does not know. */
    ACCESS_DENIED("ACCESS_DENIED", 403, "The security token included in the request is invalid."),
    /** The body exceeds the 10 MB payload limit. */
    REQUEST_TOO_LARGE("REQUEST_TOO_LARGE", 413, "Request Too Long"),
    /** Lambda refused the invocation (no such function, no permission). */
    INTEGRATION_REFUSED("API_CONFIGURATION_ERROR", 500, "Internal server error"),
    /** The function failed, timed out or answered something that is not a proxy response. */
    FUNCTION_FAILED("DEFAULT_5XX", 502, "Internal server error");

    private final String responseType;
    private final int status;
    private final String message;

    GatewayError(String responseType, int status, String message) {
        this.responseType = responseType;
        this.status = status;
        this.message = message;
    }

    String responseType() {
        return responseType;
    }

    int status() {
        return status;
    }

    String message() {
        return message;
    }
}
