package com.klingvideo.pipeline.domain;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long a job waits before asking Kling again after a transient refusal (rate limit, account
 * concurrency full, server errors), and when it stops asking.
 *
 * <p>Exponential backoff with full jitter (the delay is drawn uniformly between {@code minDelay} and the
 * exponential bound), so that jobs turned away together do not come back together. Kling asks for at
 * least one second after 1303. The deadline is counted from the job's admission.
 */
public final class SubmitRetryPolicy {
    /** Kling asks for at least a second before retrying after 1303. */
    public static final Duration MIN_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(5);
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(60);

    private final Duration minDelay;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Duration deadline;
    private final DoubleSupplier random;

    /**
     * @param random uniform values in [0, 1); injected so tests are repeatable
     */
    public SubmitRetryPolicy(Duration minDelay, Duration baseDelay, Duration maxDelay, Duration deadline,
            DoubleSupplier random) {
        if (minDelay.isNegative() || minDelay.isZero() || baseDelay.compareTo(minDelay) < 0
                || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("submit delays must satisfy 0 < min <= base <= max");
        }
        this.minDelay = minDelay;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.deadline = deadline;
        this.random = random;
    }

    /** Production defaults: 1 s minimum, 5 s base, 5 minutes cap, the given deadline. */
    public static SubmitRetryPolicy standard(Duration deadline, DoubleSupplier random) {
        return new SubmitRetryPolicy(MIN_DELAY, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY, deadline, random);
    }

    public Duration deadline() {
        return deadline;
    }

    /**
     * The wait before the next attempt.
     *
     * @param attemptsSoFar create requests already sent (1 after the first refusal)
     * @param remaining     time left before the deadline; the wait never goes past it
     */
    public long delaySeconds(int attemptsSoFar, Duration remaining) {
        double bound = baseDelay.toMillis() * Math.pow(2, Math.max(0, Math.min(attemptsSoFar, 30) - 1));
        long capped = (long) Math.min(bound, maxDelay.toMillis());
        long min = minDelay.toMillis();
        long drawn = min + (long) (random.getAsDouble() * Math.max(0, capped - min));
        long limited = Math.min(drawn, Math.max(min, remaining.toMillis()));
        return Math.max(1, (limited + 999) / 1000);
    }
}
