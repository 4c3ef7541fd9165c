package com.klingvideo.pipeline.local;

import com.klingvideo.pipeline.kling.KlingDialect;
import java.net.URI;
import java.util.Map;

/**
 * A real Kling endpoint (the official API or a gateway) for the local stack to use instead of the
 * simulator, with its keys. {@link #toString()} never shows a key.
 */
public record KlingEndpoint(URI baseUrl, KlingDialect dialect, String accessKey, String secretKey, String apiKey) {

    /**
     * From {@code KLING_BASE_URL}, {@code KLING_API_STYLE} and {@code KLING_ACCESS_KEY} +
     * {@code KLING_SECRET_KEY} or {@code KLING_API_KEY}; null when {@code KLING_BASE_URL} is not set.
     *
     * @throws IllegalArgumentException when the base URL is set but the keys its style needs are not
     */
    public static KlingEndpoint fromEnvironment(Map<String, String> env) {
        String base = env.get("KLING_BASE_URL");
        if (base == null || base.isBlank()) {
            return null;
        }
        KlingDialect dialect = KlingDialect.parse(env.getOrDefault("KLING_API_STYLE", "official"));
        String access = env.get("KLING_ACCESS_KEY");
        String secret = env.get("KLING_SECRET_KEY");
        String apiKey = env.get("KLING_API_KEY");
        if (dialect == KlingDialect.OFFICIAL && (blank(access) || blank(secret))) {
            throw new IllegalArgumentException("KLING_BASE_URL is set with the official style: set KLING_ACCESS_KEY "
                    + "and KLING_SECRET_KEY too");
        }
        if (dialect == KlingDialect.GATEWAY && blank(apiKey)) {
            throw new IllegalArgumentException("KLING_BASE_URL is set with the gateway style: set KLING_API_KEY too");
        }
        return new KlingEndpoint(URI.create(base.trim()), dialect, access, secret, apiKey);
    }

    /** The secret's JSON, as the functions read it from Secrets Manager. */
    String secretJson() {
        return dialect == KlingDialect.OFFICIAL
                ? "{\"accessKey\":\"" + json(accessKey) + "\",\"secretKey\":\"" + json(secretKey) + "\"}"
                : "{\"apiKey\":\"" + json(apiKey) + "\"}";
    }

    private static String json(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String toString() {
        return "KlingEndpoint[" + baseUrl + ", " + dialect.name().toLowerCase() + "]";
    }
}
