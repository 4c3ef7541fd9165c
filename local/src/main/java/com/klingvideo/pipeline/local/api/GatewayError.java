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
