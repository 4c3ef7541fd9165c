package com.klingvideo.pipeline.outbound;

import java.net.URI;

/** URL text that is safe to put in logs and error messages. */
public final class Urls {

    private Urls() {
    }

    /** scheme://host[:port]/path: enough to know which file, without a signature in the query. */
    public static String redact(URI uri) {
        StringBuilder text = new StringBuilder().append(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() != -1) {
            text.append(':').append(uri.getPort());
        }
        return text.append(uri.getRawPath() == null ? "" : uri.getRawPath()).toString();
    }
}
