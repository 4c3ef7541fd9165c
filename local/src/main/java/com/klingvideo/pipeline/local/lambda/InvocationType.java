package com.klingvideo.pipeline.local.lambda;

import java.util.Locale;

/** The {@code X-Amz-Invocation-Type} of an Invoke request. */
public enum InvocationType {
    /** Run now and answer with the function's result (the default). */
    REQUEST_RESPONSE("RequestResponse"),
    /** Answer 202 at once; run later, retrying a failed run. */
    EVENT("Event"),
    /** Check the request only; the function does not run. */
    DRY_RUN("DryRun");

    private final String headerValue;

    InvocationType(String headerValue) {
        this.headerValue = headerValue;
    }

    public String headerValue() {
        return headerValue;
    }

    /**
     * @param header the header value, or null for the default
     * @throws IllegalArgumentException for a value Lambda does not know
     */
    static InvocationType fromHeader(String header) {
        if (header == null || header.isBlank()) {
            return REQUEST_RESPONSE;
        }
        for (InvocationType type : values()) {
            if (type.headerValue.toLowerCase(Locale.ROOT).equals(header.trim().toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException("X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, not "
                + header);
    }
}
