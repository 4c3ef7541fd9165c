package com.klingvideo.pipeline.local.kling;

/**
 * An error answer, raised wherever a request is refused and written by the dialect's front end.
 * Thrown for control flow only, so it carries no stack trace.
 */
final class ApiFailure extends RuntimeException {

    /** Who produced the error, which decides the body's shape. */
    enum Origin {
        /** Kling itself: {@code {"code":1303,"message":...,"request_id":...}}; a gateway wraps it. */
        KLING,
        /** The gateway: {@code {"code":"task_not_exist","message":...,"data":null}}. */
        GATEWAY,
        /** The gateway's key check, OpenAI style: {@code {"error":{"message":...,"type":"new_api_error"}}}. */
        GATEWAY_AUTH,
        /** No body at all. */
        NO_BODY
    }

    private final Origin origin;
    private final int httpStatus;
    private final String code;

    private ApiFailure(Origin origin, int httpStatus, String code, String message) {
        super(message, null, false, false);
        this.origin = origin;
        this.httpStatus = httpStatus;
        this.code = code;
    }

    static ApiFailure kling(int httpStatus, int code, String message) {
        return new ApiFailure(Origin.KLING, httpStatus, Integer.toString(code), message);
    }

    /** 1201: a parameter Kling does not accept, named in the message. */
    static ApiFailure invalidParameter(String message) {
        return kling(400, 1201, message);
    }

    static ApiFailure gateway(int httpStatus, String code, String message) {
        return new ApiFailure(Origin.GATEWAY, httpStatus, code, message);
    }

    static ApiFailure gatewayAuth(String message) {
        return new ApiFailure(Origin.GATEWAY_AUTH, 401, "new_api_error", message);
    }

    static ApiFailure noBody(int httpStatus) {
        return new ApiFailure(Origin.NO_BODY, httpStatus, "http_" + httpStatus, "");
    }

    Origin origin() {
        return origin;
    }

    int httpStatus() {
        return httpStatus;
    }

    /** Kling's number as text, a gateway code, {@code new_api_error} or {@code http_<status>}. */
    String code() {
        return code;
    }
}
