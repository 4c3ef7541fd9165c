package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.KlingAccountException;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import java.util.Optional;

/**
 * The video generation service (Kling), whichever dialect it speaks. Every method throws
 * {@link KlingRetryableException} for transient failures, {@link KlingAccountException} for account
 * problems and {@link KlingRejectedException} for everything else that will not succeed on retry.
 */
public interface VideoGenerator {

    /** Creates a task; {@code request.externalTaskId()} is sent as Kling's external_task_id. */
    KlingTask create(VideoRequest request);

    /** The task's current state by Kling's task id. */
    KlingTask query(String taskId);

    /**
     * The task created with this external_task_id, or empty when Kling has none. Only available when
     * {@link #supportsExternalLookup()} is true.
     */
    Optional<KlingTask> findByExternalId(String externalTaskId);

    /** Whether {@link #findByExternalId} works (the official API: yes; gateways: no). */
    boolean supportsExternalLookup();
}
