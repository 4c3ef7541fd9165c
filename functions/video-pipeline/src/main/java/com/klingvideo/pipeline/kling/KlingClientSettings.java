package com.klingvideo.pipeline.kling;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Kling.
 *
 * @param dialect        which API the base URL speaks
 * @param baseUrl        for example {@code https://api-singapore.klingai.com}; a trailing slash is tolerated,
 *                       a path prefix is kept
 * @param connectTimeout TCP/TLS connect limit
 * @param readTimeout    limit for one request, from sending it until the response headers arrive
 */
public record KlingClientSettings(KlingDialect dialect, URI baseUrl, Duration connectTimeout, Duration readTimeout) {

    public KlingClientSettings {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (!baseUrl.isAbsolute() || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("Kling base URL must be absolute, for example https://api-singapore.klingai.com");
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("Kling base URL must not have a query or fragment");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("Kling timeouts must be positive");
        }
    }
}
