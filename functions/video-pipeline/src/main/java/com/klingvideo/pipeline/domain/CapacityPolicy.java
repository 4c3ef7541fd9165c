package com.klingvideo.pipeline.domain;

import java.time.Duration;

/**
 * The slot governor's settings.
 *
 * @param configuredLimit    Kling's parallel task limit for the account (template parameter
 *                           KlingConcurrencyLimit); never exceeded
 * @param maxQueueAge        how long a job may wait for a slot before it fails QUEUE_EXPIRED
 * @param raiseQuietPeriod   how long after Kling's last concurrency refusal (or the last raise) the learned
 *                           limit is raised by one, to find out whether the other client has gone
 * @param intakeProbeAfter   how long intake stays paused after a Kling account problem before one job is
 *                           sent to find out whether the account is healthy again
 */
public record CapacityPolicy(int configuredLimit, Duration maxQueueAge, Duration raiseQuietPeriod,
                             Duration intakeProbeAfter) {
    public static final int DEFAULT_LIMIT = 5;
    public static final Duration DEFAULT_MAX_QUEUE_AGE = Duration.ofHours(24);
    public static final Duration DEFAULT_RAISE_QUIET_PERIOD = Duration.ofMinutes(10);
    public static final Duration DEFAULT_INTAKE_PROBE_AFTER = Duration.ofMinutes(15);

    public CapacityPolicy {
        if (configuredLimit < 1) {
            throw new IllegalArgumentException("the concurrency limit must be at least 1");
        }
        for (Duration d : new Duration[] {maxQueueAge, raiseQuietPeriod, intakeProbeAfter}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("capacity durations must be positive");
            }
        }
    }
}
