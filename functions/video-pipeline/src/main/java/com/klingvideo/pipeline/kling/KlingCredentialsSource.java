package com.klingvideo.pipeline.kling;

/** Where Kling keys come from (AWS Secrets Manager in production), read lazily and cached. */
public interface KlingCredentialsSource {

    KlingCredentials get();

    /** Drops any cached keys so the next {@link #get()} reads them again (after an auth failure). */
    default void refresh() {
    }
}
