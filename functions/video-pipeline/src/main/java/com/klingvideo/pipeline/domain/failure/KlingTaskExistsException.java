package com.klingvideo.pipeline.domain.failure;

/**
 * Kling refused a create because a task with its {@code external_task_id} already exists (Kling answers
 * 1201 "external_task_id already exists"): an earlier attempt reached Kling although its answer was lost.
 * Not a failure: the task is there, and the job follows it once a lookup finds it.
 */
public class KlingTaskExistsException extends KlingRejectedException {
    public KlingTaskExistsException(String code, int httpStatus, String message) {
        super(code, httpStatus, message);
    }
}
