package com.klingvideo.pipeline.domain;

import java.util.Locale;

/** How the image reaches Kling. */
public enum ImageTransport {
    /** A short-lived presigned GET URL of the object (the default: small requests, nothing copied). */
    URL,
    /** The image bytes as raw base64 in the request (no {@code data:} prefix). */
    BASE64;

    public static ImageTransport parse(String value) {
        if (value == null || value.isBlank()) {
            return URL;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "url" -> URL;
            case "base64" -> BASE64;
            default -> throw new IllegalArgumentException("unknown image transport '" + value + "': use url or base64");
        };
    }
}
