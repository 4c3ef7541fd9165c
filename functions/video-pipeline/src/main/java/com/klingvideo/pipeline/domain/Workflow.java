package com.klingvideo.pipeline.domain;

/**
 * The wait-and-check loop that follows a job while it holds a Kling slot (a Step Functions execution).
 * Execution names are unique per state machine, also after an execution ended (see
 * {@link SlotHold#executionName}).
 */
public interface Workflow {

    /** What a start did. */
    enum Start {
        /** A new execution runs. */
        STARTED,
        /** One with this name already runs (a repeated start). */
        RUNNING,
        /** The name belongs to an execution that has ended: use the next number. */
        TAKEN
    }

    /** Where an execution stands. */
    enum State {
        RUNNING,
        ENDED,
        ABSENT
    }

    /**
     * Starts following the job.
     *
     * @param firstWaitSeconds how long to wait before the first check
     */
    Start start(String executionName, String jobId, long firstWaitSeconds);

    State state(String executionName);
}
