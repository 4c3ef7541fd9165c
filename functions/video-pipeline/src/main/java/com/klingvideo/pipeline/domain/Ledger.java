package com.klingvideo.pipeline.domain;

import java.time.Instant;

/**
 * The account-wide slot ledger: how many of Kling's parallel tasks this deployment holds, what Kling
 * seems to allow, and whether intake is paused.
 *
 * @param inUse         slots held (one {@link SlotHold} each)
 * @param learnedLimit  the limit Kling showed when it refused a create although the ledger had room
 *                      (another client shares the account); null when none was learned
 * @param lastRefusalAt when Kling last refused a create for concurrency, or null
 * @param lastRaiseAt   when the learned limit was last raised by a probe, or null
 * @param pause         the pause in force, or null
 */
public record Ledger(int inUse, Integer learnedLimit, Instant lastRefusalAt, Instant lastRaiseAt, Pause pause) {
    /** The ledger of an account nothing was ever sent to. */
    public static final Ledger EMPTY = new Ledger(0, null, null, null, null);

    /** The limit that applies: the configured one, or the learned one when it is lower. */
    public int effectiveLimit(int configuredLimit) {
        return learnedLimit == null ? configuredLimit : Math.min(configuredLimit, learnedLimit);
    }

    public boolean paused() {
        return pause != null;
    }
}
