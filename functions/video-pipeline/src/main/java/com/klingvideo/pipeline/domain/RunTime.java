package com.klingvideo.pipeline.domain;

import java.time.Duration;

/**
 * How long Kling takes for one kind of video (model, mode and duration), as observed: an exponentially
 * weighted mean of the run times Kling reported (from its own created and finished times), so it follows
 * Kling when it gets slower or faster. Used for the first status check and for queue ETAs.
 *
 * @param typical the weighted mean
 * @param samples how many tasks it was learned from
 */
public record RunTime(Duration typical, long samples) {
    /** Weight of the newest sample. */
    static final double WEIGHT = 0.3;

    /** This estimate with one more observation. */
    public RunTime with(Duration sample) {
        if (samples == 0) {
            return new RunTime(sample, 1);
        }
        long millis = Math.round(typical.toMillis() + WEIGHT * (sample.toMillis() - typical.toMillis()));
        return new RunTime(Duration.ofMillis(millis), samples + 1);
    }

    /** The key of a kind of video: {@code model/mode/duration}. */
    public static String profile(com.klingvideo.pipeline.model.GenerationParameters parameters) {
        return parameters.model() + "/" + parameters.mode() + "/" + parameters.duration();
    }
}
