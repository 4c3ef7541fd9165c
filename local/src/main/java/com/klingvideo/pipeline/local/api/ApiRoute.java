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
 * @param apiKeyRequired    the event's {@code Auth.ApiKeyRequired}, or null for the API's setting
 * @param iam               the event's {@code Auth.Authorizer}: true for {@code AWS_IAM} (requests are
 *                          SigV4-signed), false for {@code NONE}, null for the API's default authorizer
 */
public record ApiRoute(String method, String path, String functionLogicalId, Boolean apiKeyRequired, Boolean iam) {
    public ApiRoute {
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(functionLogicalId, "functionLogicalId");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("an API path starts with /: " + path);
        }
    }

    /** A route with the API's own authorization. */
    public ApiRoute(String method, String path, String functionLogicalId) {
        this(method, path, functionLogicalId, null, null);
    }

    /** Whether a request needs an API key, given the API's default. */
    boolean needsApiKey(boolean apiDefault) {
        return apiKeyRequired == null ? apiDefault : apiKeyRequired;
    }

    /** Whether a request must be SigV4-signed, given whether the API's default authorizer is AWS_IAM. */
    boolean needsIam(boolean apiDefault) {
        return iam == null ? apiDefault : iam;
    }
}
