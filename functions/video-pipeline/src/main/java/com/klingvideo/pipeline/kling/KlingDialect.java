package com.klingvideo.pipeline.kling;

import java.util.Locale;

/** Which flavour of the Kling API the base URL speaks. */
public enum KlingDialect {
    /** Kling's own API: JWT auth, {@code /v1/videos/image2video}. */
    OFFICIAL,
    /** A new-api gateway such as ezmodel.cloud: static Bearer key, {@code /kling/v1/videos/image2video}. */
    GATEWAY;

    /** Parses {@code official} or {@code gateway} (any case). */
    public static KlingDialect parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Kling API style is not set: use official or gateway");
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "official" -> OFFICIAL;
            case "gateway" -> GATEWAY;
            default -> throw new IllegalArgumentException(
                    "unknown Kling API style '" + value + "': use official or gateway");
        };
    }
}
