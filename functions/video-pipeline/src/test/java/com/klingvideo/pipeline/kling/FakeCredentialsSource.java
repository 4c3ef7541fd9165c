package com.klingvideo.pipeline.kling;

import java.util.concurrent.atomic.AtomicInteger;

/** Hands out whatever keys the test set, counting reads and refreshes. */
final class FakeCredentialsSource implements KlingCredentialsSource {

    private volatile KlingCredentials current;
    private final AtomicInteger gets = new AtomicInteger();
    private final AtomicInteger refreshes = new AtomicInteger();

    FakeCredentialsSource(KlingCredentials current) {
        this.current = current;
    }

    void rotateTo(KlingCredentials next) {
        current = next;
    }

    int gets() {
        return gets.get();
    }

    int refreshes() {
        return refreshes.get();
    }

    @Override
    public KlingCredentials get() {
        gets.incrementAndGet();
        return current;
    }

    @Override
    public void refresh() {
        refreshes.incrementAndGet();
    }
}
