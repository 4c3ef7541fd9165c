package com.klingvideo.pipeline.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One of the account's Kling slots, held by a job from before its create request leaves until its task
 * ends. Keyed by job id, so a job holds at most one and giving it back twice is harmless.
 *
 * @param takenAt when the slot was taken; the submit deadline (outages) counts from here
 * @param start   the number of the execution that follows the job while it holds the slot
 * @param probe   taken while intake was paused, to find out whether Kling takes work again
 */
public record SlotHold(String jobId, Instant takenAt, int start, boolean probe) {
    public SlotHold {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(takenAt, "takenAt");
        if (start < 1) {
            throw new IllegalArgumentException("execution numbers start at 1");
        }
    }

    /** The name of the execution that follows the job (see {@link #executionName(String, int)}). */
    public String execution() {
        return executionName(jobId, start);
    }

    /**
     * Execution names are unique per state machine (also after an execution ended), so a job that goes
     * back to the queue and gets a slot again is followed by a new execution: the first is named after
     * the job, later ones {@code <jobId>-<n>}.
     */
    public static String executionName(String jobId, int start) {
        return start == 1 ? jobId : jobId + "-" + start;
    }
}
