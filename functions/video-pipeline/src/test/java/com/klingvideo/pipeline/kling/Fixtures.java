package com.klingvideo.pipeline.kling;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the response documents under {@code src/test/resources/kling}. */
final class Fixtures {

    /** The signed URL in the succeed fixtures, query string and its escapes included. */
    static final String VIDEO_URL = "https://v15-kling.klingai.com/bs2/upload-kling-api/7325/image2video/"
            + "842250903708762200-video.mp4?x-kling-expires=1768377750&x-kling-signature=a%2Bb%2Fc%3D&name=clip%201";

    private Fixtures() {
    }

    static String read(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/kling/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String officialError(int code, String message) {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\",\"request_id\":\"req-" + code + "\"}";
    }

    static String gatewayError(String code, String message) {
        return "{\"code\":\"" + code + "\",\"message\":\"" + message.replace("\"", "\\\"") + "\",\"data\":null}";
    }
}
