package com.klingvideo.pipeline.domain;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who calls the jobs API, as API Gateway authenticated it: an API key, or an IAM principal (SigV4). Every
 * API job records its caller's id as its owner; a caller reads, lists and repeats (idempotency keys) only
 * its own jobs, and names by {@code s3Key} only images under its own prefix or a shared one.
 *
 * @param id stable and safe to store: {@code key:} and a digest of the API key's value (the value is a
 *           secret and is never kept), or {@code iam:} and the principal's ARN
 */
public record Caller(String id) {
    /** An assumed-role session: the session name is the assumer's choice, so the role is the principal. */
    private static final Pattern ASSUMED_ROLE =
            Pattern.compile("^arn:([a-z-]+):sts::(\\d{12}):assumed-role/([^/]+)/.+$");

    public Caller {
        Objects.requireNonNull(id, "id");
    }

    /** The caller behind an API key, given the key's value (API Gateway's {@code identity.apiKey}). */
    public static Caller apiKey(String value) {
        return new Caller("key:" + JobIds.digest("api-key\n" + value));
    }

    /**
     * The caller behind a SigV4-signed request (API Gateway's {@code identity.userArn}). Every session of a
     * role is the role: {@code arn:aws:sts::123456789012:assumed-role/Builder/any-session} is
     * {@code arn:aws:iam::123456789012:role/Builder}.
     */
    public static Caller iamPrincipal(String userArn) {
        Matcher role = ASSUMED_ROLE.matcher(userArn);
        String principal = role.matches()
                ? "arn:" + role.group(1) + ":iam::" + role.group(2) + ":role/" + role.group(3)
                : userArn;
        return new Caller("iam:" + principal);
    }

    /**
     * The one path segment, derived from the id, under which the API keeps this caller's images (and
     * under which the caller may name images by key).
     */
    public String area() {
        return "c-" + JobIds.digest("area\n" + id);
    }
}
