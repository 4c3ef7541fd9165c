package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.model.GenerationParameters;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * When to look at a Kling task again, and when to stop looking.
 *
 * <p>The first check comes when a video of this kind is usually ready (reported figures: a 5 s video in
 * 30-90 s, a 10 s one in 45-120 s, pro slower), so most jobs need one or two checks. Later checks back
 * off by half again each time, between {@code minInterval} and {@code maxInterval}. The job gives up
 * once {@code maxTotal} has passed since Kling accepted it; the last wait is cut so that the final check
 * lands on that limit rather than past it.
 */
public final class PollPolicy {
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_TOTAL = Duration.ofMinutes(60);

    private final Duration minInterval;
    private final Duration maxInterval;
    private final Duration maxTotal;
    private final Duration firstWaitOverride;

    /**
     * @param firstWaitOverride fixed first wait, or null to derive it from model, mode and duration
     */
    public PollPolicy(Duration minInterval, Duration maxInterval, Duration maxTotal, Duration firstWaitOverride) {
        if (minInterval.isNegative() || minInterval.isZero() || maxInterval.compareTo(minInterval) < 0) {
            throw new IllegalArgumentException("poll intervals must satisfy 0 < min <= max");
        }
        if (maxTotal.compareTo(minInterval) < 0) {
            throw new IllegalArgumentException("the poll limit must be at least the minimum interval");
        }
        this.minInterval = minInterval;
        this.maxInterval = maxInterval;
        this.maxTotal = maxTotal;
        this.firstWaitOverride = firstWaitOverride;
    }

    /** Defaults for production: checks every 10 s to 60 s, give up after 60 minutes. */
    public static PollPolicy standard() {
        return new PollPolicy(DEFAULT_MIN_INTERVAL, DEFAULT_MAX_INTERVAL, DEFAULT_MAX_TOTAL, null);
    }

    public Duration maxTotal() {
        return maxTotal;
    }

    /**
     * The wait before the first status check of a task Kling just accepted: when tasks of this kind usually
     * end. Once Kling's run times for this kind of video have been observed that is the observed time,
     * so the first check usually finds the task done; before, it is the configured first wait, or the
     * usual time for the model, mode and duration.
     *
     * @param observed the observed run time of this kind of video, if any
     */
    public long firstWaitSeconds(GenerationParameters parameters, Optional<Duration> observed) {
        if (observed.isPresent()) {
            return Math.max(minInterval.toSeconds(), (observed.get().toMillis() + 999) / 1000);
        }
        if (firstWaitOverride != null) {
            return firstWaitOverride.toSeconds();
        }
        return expectedGenerationTime(parameters).toSeconds();
    }

    /** Typical time for Kling to finish such a video, as reported by its users; used until times are observed. */
    public static Duration expectedGenerationTime(GenerationParameters parameters) {
        long seconds = "10".equals(parameters.duration()) ? 90 : 60;
        if ("pro".equals(parameters.mode())) {
            seconds = seconds * 3 / 2;
        }
        String model = parameters.model() == null ? "" : parameters.model();
        if (model.contains("turbo")) {
            seconds = seconds * 2 / 3;
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * The wait after a check that found the task still running.
     *
     * @param checksSoFar checks made, including the one that just happened (1 after the first)
     * @param elapsed     time since Kling accepted the task
     * @return seconds to wait, or empty when the limit is reached and the job should give up
     */
    public OptionalLong nextWaitSeconds(int checksSoFar, Duration elapsed) {
        Duration remaining = maxTotal.minus(elapsed);
        if (remaining.isNegative() || remaining.isZero()) {
            return OptionalLong.empty();
        }
        long wait = Math.min(interval(checksSoFar), remaining.toMillis());
        return OptionalLong.of(Math.max(1, (wait + 999) / 1000));
    }

    /**
     * The most status checks one task can get before the limit, with the earliest first check: what
     * bounds the history of the execution that follows it.
     */
    public int maxChecks() {
        long elapsed = minInterval.toMillis();
        int checks = 1;
        while (elapsed < maxTotal.toMillis()) {
            elapsed += interval(checks);
            checks++;
        }
        return checks;
    }

    /** The wait after {@code checksSoFar} checks, in milliseconds, before the limit cuts it. */
    private long interval(int checksSoFar) {
        double grown = minInterval.toMillis() * Math.pow(1.5, Math.max(0, Math.min(checksSoFar, 64) - 1));
        return (long) Math.min(grown, maxInterval.toMillis());
    }
}
