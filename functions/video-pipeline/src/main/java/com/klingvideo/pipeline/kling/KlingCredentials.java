package com.klingvideo.pipeline.kling;

/**
 * Kling keys: an access key and secret key (official API, JWT) or one API key (gateway).
 * {@link #toString()} never shows a key.
 */
public record KlingCredentials(String accessKey, String secretKey, String apiKey) {

    public static KlingCredentials official(String accessKey, String secretKey) {
        return new KlingCredentials(accessKey, secretKey, null);
    }

    public static KlingCredentials gateway(String apiKey) {
        return new KlingCredentials(null, null, apiKey);
    }

    @Override
    public String toString() {
        return "KlingCredentials[accessKey=" + (accessKey == null ? "none" : "set")
                + ", secretKey=" + (secretKey == null ? "none" : "set")
                + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
    }
}
