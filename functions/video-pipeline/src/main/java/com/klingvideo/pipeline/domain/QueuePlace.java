package com.klingvideo.pipeline.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a live job stands and when it should be done, estimated from the slots in use, the limit and
 * the run times Kling was observed to take (not a promise: Kling's own times vary).
 *
 * @param ahead         waiting jobs before it; null once it holds a slot
 * @param expectedStart when it gets (or got) a slot; null while intake is paused
 * @param expectedEnd   when its video should be ready; null while intake is paused
 * @param eta           from now until {@code expectedEnd} (zero when that is past); null while paused
 */
public record QueuePlace(Long ahead, Instant expectedStart, Instant expectedEnd, Duration eta) {

    static QueuePlace at(Long ahead, Instant expectedStart, Instant expectedEnd, Instant now) {
        Duration eta = expectedEnd == null ? null
                : expectedEnd.isAfter(now) ? Duration.between(now, expectedEnd) : Duration.ZERO;
        return new QueuePlace(ahead, expectedStart, expectedEnd, eta);
    }
}
