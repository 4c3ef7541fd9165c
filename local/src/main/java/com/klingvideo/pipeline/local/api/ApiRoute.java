package com.klingvideo.pipeline.local.api;

import java.util.Locale;
import java.util.Objects;

/**
 * One {@code Api} event of a function in the template: requests with this method on this resource path
 * go to that function.
 *
 * @param method            upper case, or {@code ANY}
 * @param path              the resource path as the template writes it: {@code /jobs/{jobId}}
 * @param functionLogicalId the function's logical id, which is also its name in the local Lambda host
 */
public record ApiRoute(String method, String path, String functionLogicalId) {
    public ApiRoute {
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(functionLogicalId, "functionLogicalId");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("an API path starts with /: " + path);
        }
    }
}
