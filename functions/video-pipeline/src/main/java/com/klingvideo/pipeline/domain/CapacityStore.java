package com.klingvideo.pipeline.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The slot ledger, the holds and the queue of waiting jobs, account-wide. Every change is one atomic,
 * conditional write, so that however many functions act at once:
 * <ul>
 *   <li>the slots held never exceed the limit, and each hold is counted in {@link Ledger#inUse()};</li>
 *   <li>a job is in the queue or holds a slot, never both, and never twice;</li>
 *   <li>a slot is given back once: the second release of the same job changes nothing.</li>
 * </ul>
 * Methods return false when their condition did not hold (someone else acted first); they never
 * change anything then.
 */
public interface CapacityStore {

    /** The ledger as of now (a strongly consistent read); {@link Ledger#EMPTY} before the first use. */
    Ledger ledger();

    /** The first job in queue order, if any. */
    Optional<QueueEntry> head();

    /** Every waiting job, in queue order. */
    List<QueueEntry> waiting();

    /** How many waiting jobs come before this entry in queue order (whether or not it is queued). */
    long ahead(QueueEntry entry);

    /** How many jobs wait. */
    long queueLength();

    Optional<SlotHold> hold(String jobId);

    List<SlotHold> holds();

    /** Puts the job in the queue, unless it is queued already or holds a slot. */
    boolean enqueue(QueueEntry entry);

    /**
     * Moves the job from the queue to a slot, if the entry is still queued, the job holds none, and a
     * slot is free: fewer in use than the configured limit and than the learned one, and intake not
     * paused (or, for a {@code probe}, paused by Kling with its probe time reached: the probe time
     * then moves to {@code probe.next()} so that only one job probes at a time).
     */
    boolean take(QueueEntry entry, SlotHold hold, int configuredLimit, Probe probe);

    /** The half-open probe a take makes: the probe time seen, and the next one. */
    record Probe(Instant seen, Instant next) {
    }

    /** Gives the job's slot back as {@code release} says; false when it held none. */
    boolean release(String jobId, Release release);

    /**
     * Records a hold for a job whose task Kling already runs but that lost its hold (a repair): counted
     * in use whatever the limit, since the task occupies a slot at Kling anyway.
     */
    boolean adopt(SlotHold hold);

    /** Points the job's hold at execution number {@code start}, if it still is {@code seen}. */
    boolean restart(SlotHold seen, int start);

    /** Takes the entry out of the queue without giving it a slot (it expired or its job ended). */
    boolean remove(QueueEntry entry);

    /**
     * Raises the learned limit from {@code seen} to {@code limit} (null: none is learned any more, the
     * configured limit applies), if it still is {@code seen}, and records {@code at} as the last raise.
     * (It is lowered by a {@link Release}.)
     */
    boolean raiseLearnedLimit(int seen, Integer limit, Instant at);

    /** Sets {@link Ledger#inUse()} to the number of holds found, if it still is {@code seen} (a repair). */
    boolean recount(int seen, int holds);

    /** Pauses intake (an operator's pause replaces any other). */
    void pause(Pause pause);

    /** Ends the pause; with a source, only a pause from that source. False when there was none. */
    boolean resume(Pause.Source onlyFrom);

    /** The observed run time of one kind of video (see {@link RunTime#profile}). */
    Optional<RunTime> runTime(String profile);

    /** Every observed run time, by profile. */
    Map<String, RunTime> runTimes();

    void recordRunTime(String profile, RunTime runTime);
}
