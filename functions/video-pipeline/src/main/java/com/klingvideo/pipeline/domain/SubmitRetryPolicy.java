package com.klingvideo.pipeline.domain;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long a job holding a slot waits before asking Kling again while Kling is down or rate-limited
 * (server errors, timeouts, 1302), and when it stops asking. (A full account, 1303, is no reason to
 * wait here: the job goes back to the queue.)
 *
 * <p>Exponential backoff with "equal" jitter: the delay is drawn uniformly between half the exponential
 * bound and the bound (never under {@code minDelay}), so jobs turned away together do not come back
 * together, and the number of attempts before the deadline, and with it the history of the execution
 * that waits, stays small whatever the draws (see {@link #maxAttempts()}). The deadline counts from when
 * the job got its slot.
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
        long capped = bound(attemptsSoFar);
        long floor = Math.max(minDelay.toMillis(), capped / 2);
        long drawn = floor + (long) (random.getAsDouble() * Math.max(0, capped - floor));
        long limited = Math.min(drawn, Math.max(minDelay.toMillis(), remaining.toMillis()));
        return Math.max(1, (limited + 999) / 1000);
    }

    /**
     * The most attempts one job can make before the deadline, with the shortest draws: what bounds the
     * history of the execution that retries.
     */
    public int maxAttempts() {
        long elapsed = 0;
        int attempts = 1;
        while (elapsed < deadline.toMillis()) {
            elapsed += Math.max(minDelay.toMillis(), bound(attempts) / 2);
            attempts++;
        }
        return attempts;
    }

    /** The exponential bound after {@code attemptsSoFar} attempts, capped, in milliseconds. */
    private long bound(int attemptsSoFar) {
        double bound = baseDelay.toMillis() * Math.pow(2, Math.max(0, Math.min(attemptsSoFar, 30) - 1));
        return (long) Math.min(bound, maxDelay.toMillis());
    }
}
