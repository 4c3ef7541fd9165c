package com.klingvideo.pipeline.fakes;

import com.klingvideo.pipeline.domain.CapacityStore;
import com.klingvideo.pipeline.domain.Ledger;
import com.klingvideo.pipeline.domain.Pause;
import com.klingvideo.pipeline.domain.QueueEntry;
import com.klingvideo.pipeline.domain.Release;
import com.klingvideo.pipeline.domain.RunTime;
import com.klingvideo.pipeline.domain.SlotHold;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A CapacityStore with DynamoDbCapacityStore's conditions, in memory: every method is atomic, and a
 * failed condition changes nothing. Tests may also set the state directly (a leak, a pause).
 */
public final class InMemoryCapacityStore implements CapacityStore {
    private final TreeSet<QueueEntry> queue = new TreeSet<>(QueueEntry.ORDER);
    private final Map<String, SlotHold> holds = new LinkedHashMap<>();
    private final Map<String, RunTime> runTimes = new LinkedHashMap<>();
    private Ledger ledger = Ledger.EMPTY;
    private int peakInUse;

    @Override
    public synchronized Ledger ledger() {
        return ledger;
    }

    @Override
    public synchronized Optional<QueueEntry> head() {
        return queue.isEmpty() ? Optional.empty() : Optional.of(queue.first());
    }

    @Override
    public synchronized List<QueueEntry> waiting() {
        return List.copyOf(queue);
    }

    @Override
    public synchronized long ahead(QueueEntry entry) {
        return queue.headSet(entry, false).size();
    }

    @Override
    public synchronized long queueLength() {
        return queue.size();
    }

    @Override
    public synchronized Optional<SlotHold> hold(String jobId) {
        return Optional.ofNullable(holds.get(jobId));
    }

    @Override
    public synchronized List<SlotHold> holds() {
        return List.copyOf(holds.values());
    }

    @Override
    public synchronized boolean enqueue(QueueEntry entry) {
        if (queued(entry.jobId()) || holds.containsKey(entry.jobId())) {
            return false;
        }
        queue.add(entry);
        return true;
    }

    @Override
    public synchronized boolean take(QueueEntry entry, SlotHold hold, int configuredLimit, Probe probe) {
        if (!queue.contains(entry) || holds.containsKey(hold.jobId())) {
            return false;
        }
        boolean free = ledger.inUse() < configuredLimit
                && (ledger.learnedLimit() == null || ledger.inUse() < ledger.learnedLimit());
        if (!free) {
            return false;
        }
        Pause pause = ledger.pause();
        if (probe == null ? pause != null : pause == null || pause.source() != Pause.Source.KLING
                || !probe.seen().equals(pause.probeAt())) {
            return false;
        }
        queue.remove(entry);
        holds.put(hold.jobId(), hold);
        Pause next = probe == null ? pause : new Pause(pause.source(), pause.reason(), pause.since(), probe.next());
        ledger = new Ledger(ledger.inUse() + 1, ledger.learnedLimit(), ledger.lastRefusalAt(), ledger.lastRaiseAt(), next);
        peakInUse = Math.max(peakInUse, ledger.inUse());
        return true;
    }

    @Override
    public synchronized boolean release(String jobId, Release release) {
        if (!holds.containsKey(jobId)) {
            return false;
        }
        if (release.requeue() != null && queued(release.requeue().jobId())) {
            return false;
        }
        holds.remove(jobId);
        if (release.requeue() != null) {
            queue.add(release.requeue());
        }
        Integer learned = release.learnedLimit() != null ? release.learnedLimit() : ledger.learnedLimit();
        Instant refusedAt = release.refusedAt() != null ? release.refusedAt() : ledger.lastRefusalAt();
        Pause pause = ledger.pause();
        if (release.pause() != null) {
            Pause given = release.pause();
            pause = pause == null ? given
                    : new Pause(pause.source(), given.reason(), pause.since(), given.probeAt());
        }
        ledger = new Ledger(Math.max(0, ledger.inUse() - 1), learned, refusedAt, ledger.lastRaiseAt(), pause);
        return true;
    }

    @Override
    public synchronized boolean adopt(SlotHold hold) {
        if (holds.containsKey(hold.jobId())) {
            return false;
        }
        holds.put(hold.jobId(), hold);
        ledger = new Ledger(ledger.inUse() + 1, ledger.learnedLimit(), ledger.lastRefusalAt(), ledger.lastRaiseAt(),
                ledger.pause());
        return true;
    }

    @Override
    public synchronized boolean restart(SlotHold seen, int start) {
        SlotHold current = holds.get(seen.jobId());
        if (current == null || current.start() != seen.start()) {
            return false;
        }
        holds.put(seen.jobId(), new SlotHold(current.jobId(), current.takenAt(), start, current.probe()));
        return true;
    }

    @Override
    public synchronized boolean remove(QueueEntry entry) {
        return queue.remove(entry);
    }

    @Override
    public synchronized boolean raiseLearnedLimit(int seen, Integer limit, Instant at) {
        if (ledger.learnedLimit() == null || ledger.learnedLimit() != seen) {
            return false;
        }
        ledger = new Ledger(ledger.inUse(), limit, ledger.lastRefusalAt(), at, ledger.pause());
        return true;
    }

    @Override
    public synchronized boolean recount(int seen, int count) {
        if (ledger.inUse() != seen) {
            return false;
        }
        ledger = new Ledger(count, ledger.learnedLimit(), ledger.lastRefusalAt(), ledger.lastRaiseAt(), ledger.pause());
        return true;
    }

    @Override
    public synchronized void pause(Pause pause) {
        ledger = new Ledger(ledger.inUse(), ledger.learnedLimit(), ledger.lastRefusalAt(), ledger.lastRaiseAt(), pause);
    }

    @Override
    public synchronized boolean resume(Pause.Source onlyFrom) {
        Pause pause = ledger.pause();
        if (pause == null || (onlyFrom != null && pause.source() != onlyFrom)) {
            return false;
        }
        ledger = new Ledger(ledger.inUse(), ledger.learnedLimit(), ledger.lastRefusalAt(), ledger.lastRaiseAt(), null);
        return true;
    }

    @Override
    public synchronized Optional<RunTime> runTime(String profile) {
        return Optional.ofNullable(runTimes.get(profile));
    }

    @Override
    public synchronized Map<String, RunTime> runTimes() {
        return Map.copyOf(runTimes);
    }

    @Override
    public synchronized void recordRunTime(String profile, RunTime runTime) {
        runTimes.put(profile, runTime);
    }

    /** Test setup: a hold that no take made (a leak), counted in use. */
    public synchronized void leak(SlotHold hold) {
        holds.put(hold.jobId(), hold);
        ledger = new Ledger(ledger.inUse() + 1, ledger.learnedLimit(), ledger.lastRefusalAt(), ledger.lastRaiseAt(),
                ledger.pause());
    }

    /** Test setup: replaces the ledger. */
    public synchronized void setLedger(Ledger replacement) {
        ledger = replacement;
    }

    /** The most slots ever held at once through takes. */
    public synchronized int peakInUse() {
        return peakInUse;
    }

    public synchronized List<String> queuedJobIds() {
        List<String> ids = new ArrayList<>();
        queue.forEach(e -> ids.add(e.jobId()));
        return ids;
    }

    private boolean queued(String jobId) {
        return queue.stream().anyMatch(e -> e.jobId().equals(jobId));
    }
}
