package com.klingvideo.pipeline.kling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

/** A clock that stands still until a test moves it, and counts how often it was read. */
final class MutableClock extends Clock {

    private volatile Instant now;
    private final AtomicInteger reads = new AtomicInteger();

    MutableClock(Instant start) {
        this.now = start;
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    int reads() {
        return reads.get();
    }

    @Override
    public Instant instant() {
        reads.incrementAndGet();
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the tests only need UTC");
    }
}
