package com.klingvideo.pipeline.domain;

import java.time.Duration;

/**
 * A Kling task as last reported.
 *
 * @param rawStatus      Kling's own status word ({@code succeed}, {@code SUCCESS}, ...)
 * @param statusMessage  {@code task_status_msg}: the reason of a failed task; empty otherwise
 * @param videoUrl       the signed video URL once succeeded, query string intact; else null
 * @param videoDuration  seconds as Kling writes it, for example {@code "5.1"}; may be null
 * @param unitsDeducted  {@code final_unit_deduction}; may be null
 * @param runTime        for a task that ended: from Kling's creation of the task to its end, by Kling's own
 *                       clock; null while it runs or when Kling reports no times
 */
public record KlingTask(
        String taskId,
        String externalTaskId,
        KlingTaskStatus status,
        String rawStatus,
        String statusMessage,
        String videoUrl,
        String videoDuration,
        String unitsDeducted,
        Duration runTime) {

    /** A task whose run time is not known. */
    public KlingTask(String taskId, String externalTaskId, KlingTaskStatus status, String rawStatus,
            String statusMessage, String videoUrl, String videoDuration, String unitsDeducted) {
        this(taskId, externalTaskId, status, rawStatus, statusMessage, videoUrl, videoDuration, unitsDeducted, null);
    }
}
