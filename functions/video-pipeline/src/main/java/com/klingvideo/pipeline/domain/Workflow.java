package com.klingvideo.pipeline.domain;

/** The wait-and-check loop that follows a job until Kling finishes (a Step Functions execution). */
public interface Workflow {

    /**
     * Starts following the job; the execution is named after the job, so starting twice is harmless
     * (an existing execution counts as success).
     *
     * @param firstWaitSeconds how long to wait before the first check
     */
    void start(String jobId, long firstWaitSeconds);
}
