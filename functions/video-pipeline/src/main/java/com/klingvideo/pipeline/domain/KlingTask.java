package com.klingvideo.pipeline.domain;

/**
 * A Kling task as last reported.
 *
 * @param rawStatus      Kling's own status word ({@code succeed}, {@code SUCCESS}, ...)
 * @param statusMessage  {@code task_status_msg}: the reason of a failed task; empty otherwise
 * @param videoUrl       the signed video URL once succeeded, query string intact; else null
 * @param videoDuration  seconds as Kling writes it, for example {@code "5.1"}; may be null
 * @param unitsDeducted  {@code final_unit_deduction}; may be null
 */
public record KlingTask(
        String taskId,
        String externalTaskId,
        KlingTaskStatus status,
        String rawStatus,
        String statusMessage,
        String videoUrl,
        String videoDuration,
        String unitsDeducted) {
}
