package com.klingvideo.pipeline.local.kling;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP answer.
 *
 * @param body    null for no body at all
 * @param chunked send without Content-Length
 */
record Reply(int status, String contentType, byte[] body, boolean chunked) {

    static Reply json(int status, JsonNode body) {
        return new Reply(status, "application/json", Json.bytes(body), false);
    }

    static Reply empty(int status) {
        return new Reply(status, null, null, false);
    }

    static Reply text(int status, String text) {
        return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), false);
    }

    static Reply notFound() {
        return text(404, "Not Found");
    }

    static Reply video(byte[] mp4, boolean chunked) {
        return new Reply(200, "video/mp4", mp4, chunked);
    }
}
