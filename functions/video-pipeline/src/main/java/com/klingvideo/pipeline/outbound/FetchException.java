package com.klingvideo.pipeline.outbound;

import java.io.IOException;

/**
 * A guarded fetch did not deliver. The message is for the log (it names the URL by scheme, host and
 * path, and what went wrong); callers show their own fixed text to whoever named the URL, so a caller
 * cannot tell a refused address from a closed port, a silent one or a missing host.
 */
public final class FetchException extends IOException {

    /** What went wrong, for logs and metrics. */
    public enum Reason {
        /** Not a URL this guard fetches: scheme, port, user info, or a host that is not a plain name or address. */
        BAD_URL,
        /** The host is, or resolves to, an address that is not public. */
        REFUSED_ADDRESS,
        /** The host name did not resolve. */
        DNS,
        /** No connection (refused, unreachable, reset) or the TLS handshake failed. */
        CONNECT,
        /** The answer was not HTTP, or not one this client reads. */
        PROTOCOL,
        /** A status that is neither 2xx nor a redirect. */
        HTTP_STATUS,
        /** Too many redirects, or a redirect without a usable Location. */
        REDIRECT,
        /** The deadline for the whole fetch passed. */
        TIMEOUT
    }

    private final Reason reason;

    public FetchException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public FetchException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
