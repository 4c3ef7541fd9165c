package com.klingvideo.pipeline.model;

/**
 * Where a job stands. QUEUED: admitted, not yet accepted by Kling (waiting in the queue for a Kling slot,
 * or holding one while it is submitted).
 * SUBMITTED: Kling accepted the task. PROCESSING: Kling reported progress. The last three are final.
 */
public enum JobStatus {
    QUEUED,
    SUBMITTED,
    PROCESSING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == TIMED_OUT;
    }
}
