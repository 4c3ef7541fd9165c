package com.klingvideo.pipeline.config;

import java.security.SecureRandom;
import java.util.function.DoubleSupplier;

/**
 * Random draws for retry jitter, seeded on first use. With SnapStart, anything seeded during
 * initialisation is copied into every execution environment restored from the snapshot (and
 * ThreadLocalRandom's seed source is a static), so environments would back off in lockstep: the very
 * thing jitter is for. The first draw happens in an invocation, after the restore.
 */
final class LazyJitter implements DoubleSupplier {
    private volatile SecureRandom random;

    @Override
    public double getAsDouble() {
        SecureRandom r = random;
        if (r == null) {
            synchronized (this) {
                r = random;
                if (r == null) {
                    r = new SecureRandom();
                    random = r;
                }
            }
        }
        return r.nextDouble();
    }
}
