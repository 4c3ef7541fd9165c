package com.klingvideo.pipeline.local.kling;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The simulator's running counts; {@link SimulatorCounters} is a snapshot of them. */
final class Tally {
    final LongAdder tasksCreated = new LongAdder();
    final LongAdder queriesServed = new LongAdder();
    final LongAdder imageFetches = new LongAdder();
    final LongAdder videoDownloads = new LongAdder();
    private final Map<String, LongAdder> createsRejected = new ConcurrentHashMap<>();

    void createRejected(String code) {
        createsRejected.computeIfAbsent(code, ignored -> new LongAdder()).increment();
    }

    SimulatorCounters snapshot(int peakConcurrentTasks, int activeTasks) {
        Map<String, Long> rejected = new TreeMap<>();
        createsRejected.forEach((code, count) -> rejected.put(code, count.sum()));
        return new SimulatorCounters(tasksCreated.sum(), rejected, peakConcurrentTasks, activeTasks,
                queriesServed.sum(), imageFetches.sum(), videoDownloads.sum());
    }
}
