package com.klingvideo.pipeline.fakes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

/** A clock that stands still until a test moves it, and counts how often it was read. */
public final class MutableClock extends Clock {
    private final AtomicInteger reads = new AtomicInteger();
    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = start;
    }

    public void advance(Duration by) {
        now = now.plus(by);
    }

    /** How many times the time was read (a token minted at construction would show here). */
    public int reads() {
        return reads.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        reads.incrementAndGet();
        return now;
    }
}
