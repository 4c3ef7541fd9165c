package com.klingvideo.pipeline.domain;

import java.time.Instant;

/**
 * How a slot is given back, in one atomic change of the ledger: the job's task ended (plain), or Kling
 * refused it and the job goes back to the queue, lowering the learned limit (1303) or pausing intake
 * (account problems).
 *
 * @param requeue      the entry to put the job back in the queue with, or null when its work is done
 * @param learnedLimit the new learned limit, or null to leave it
 * @param refusedAt    when Kling refused (with {@code learnedLimit}), or null
 * @param pause        the pause to put in force, or null
 */
public record Release(QueueEntry requeue, Integer learnedLimit, Instant refusedAt, Pause pause) {

    /** The task ended (succeeded, failed, timed out) or was never created: the slot is free. */
    public static Release done() {
        return new Release(null, null, null, null);
    }

    /** The job waits in the queue again, at its own place. */
    public static Release backToQueue(QueueEntry entry) {
        return new Release(entry, null, null, null);
    }

    public Release lowering(int limit, Instant at) {
        if (limit < 1) {
            throw new IllegalArgumentException("a learned limit is at least 1");
        }
        return new Release(requeue, limit, at, pause);
    }

    public Release pausing(Pause newPause) {
        return new Release(requeue, learnedLimit, refusedAt, newPause);
    }
}
