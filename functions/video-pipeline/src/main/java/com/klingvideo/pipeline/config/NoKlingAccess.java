package com.klingvideo.pipeline.config;

import com.klingvideo.pipeline.domain.KlingTask;
import com.klingvideo.pipeline.domain.VideoGenerator;
import com.klingvideo.pipeline.domain.VideoRequest;
import java.util.Optional;

/**
 * Kling for a function that is given no Kling credentials: the functions that admit jobs (uploads, the
 * internet-facing API) and repair them never call Kling, and cannot.
 */
final class NoKlingAccess implements VideoGenerator {

    @Override
    public KlingTask create(VideoRequest request) {
        throw refused();
    }

    @Override
    public KlingTask query(String taskId) {
        throw refused();
    }

    @Override
    public Optional<KlingTask> findByExternalId(String externalTaskId) {
        throw refused();
    }

    @Override
    public boolean supportsExternalLookup() {
        return false;
    }

    private static IllegalStateException refused() {
        return new IllegalStateException("this function has no Kling credentials (KLING_SECRET_ARN is not set):"
                + " only CheckStatusFunction talks to Kling");
    }
}
