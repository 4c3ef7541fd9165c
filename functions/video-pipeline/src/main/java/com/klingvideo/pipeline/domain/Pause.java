package com.klingvideo.pipeline.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * Intake is paused: no create request leaves, queued jobs stay queued.
 *
 * @param source  who paused it: Kling (an account problem, 1100-1102) or an operator
 * @param reason  why, for operators
 * @param since   when it was paused
 * @param probeAt Kling pauses only: when one job may be sent to see whether the account is healthy
 *                again (half-open); null for an operator's pause, which only an operator ends
 */
public record Pause(Source source, String reason, Instant since, Instant probeAt) {
    public enum Source {
        KLING,
        OPERATOR
    }

    public Pause {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(since, "since");
        if (source == Source.KLING && probeAt == null) {
            throw new IllegalArgumentException("a pause for a Kling account problem needs a probe time");
        }
    }
}
