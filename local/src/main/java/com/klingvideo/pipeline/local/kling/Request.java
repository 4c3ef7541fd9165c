package com.klingvideo.pipeline.local.kling;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One HTTP request as a front end sees it.
 *
 * @param rawPath  the path exactly as sent (percent-encoding intact)
 * @param rawQuery the query exactly as sent, or null
 */
record Request(String method, String rawPath, String rawQuery, String authorization, byte[] body) {

    boolean is(String method, String path) {
        return this.method.equals(method) && rawPath.equals(path);
    }

    /** The decoded last path segment when the path is {@code prefix + "/" + segment}, else empty. */
    Optional<String> segmentAfter(String prefix) {
        String start = prefix + "/";
        if (!rawPath.startsWith(start) || rawPath.length() == start.length()
                || rawPath.indexOf('/', start.length()) >= 0) {
            return Optional.empty();
        }
        try {
            // a path keeps '+' literally; only %XX escapes are decoded
            return Optional.of(URLDecoder.decode(rawPath.substring(start.length()).replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The decoded value of a query parameter, or null. */
    String queryParameter(String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (key.equals(name)) {
                try {
                    return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return "";
                }
            }
        }
        return null;
    }
}
