package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.ConcurrentJobUpdateException;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Failure;
import com.klingvideo.pipeline.model.FailureCode;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Shares the account's Kling slots among jobs: capacity is a queue, not an error.
 *
 * <p>An admitted job waits in a durable queue ({@link CapacityStore}): no Kling call, no execution, no
 * state transition. Whoever frees a slot (the check that saw a task end), admits a job, or repairs
 * (the reaper) calls {@link #dispatch()}, which moves the head of the queue to a free slot with one
 * conditional write and starts the execution that submits and follows it. A slot is therefore never
 * idle while work waits, and never taken past the limit however many functions dispatch at once.
 *
 * <p>Kling is the final judge of the limit. A 1303 while the ledger had room means another client
 * shares the account: the learned limit drops below the slots held, the job goes back to its place in
 * the queue, and after a quiet period the limit is raised by one to find out whether the other client
 * has gone. An account problem (1100-1102) pauses intake; after a while one job probes (half-open) and
 * intake resumes when Kling accepts it.
 */
public final class SlotGovernor {
    private static final JsonLog LOG = JsonLog.of(SlotGovernor.class);
    /** Rounds one dispatch may spend on lost races and stale entries on top of one per slot. */
    private static final int EXTRA_ROUNDS = 16;
    /** Execution names tried when earlier ones belong to ended executions. */
    private static final int MAX_NAME_BUMPS = 20;
    private static final int MAX_WRITE_ATTEMPTS = 3;
    /** Longer than one check can run (CheckStatusFunction's timeout, video copy included). */
    static final Duration CHECK_GRACE = Duration.ofMinutes(6);

    private final CapacityStore capacity;
    private final JobStore store;
    private final Workflow workflow;
    private final CapacityPolicy policy;
    private final Clock clock;

    public SlotGovernor(CapacityStore capacity, JobStore store, Workflow workflow, CapacityPolicy policy, Clock clock) {
        this.capacity = capacity;
        this.store = store;
        this.workflow = workflow;
        this.policy = policy;
        this.clock = clock;
    }

    /** What {@link #ensureFollowed} had to do. */
    public enum FollowUp {
        NOTHING,
        RELEASED,
        REQUEUED,
        RESTARTED,
        ADOPTED
    }

    public CapacityPolicy policy() {
        return policy;
    }

    /** A job was admitted QUEUED: it joins the queue, and goes ahead at once if a slot is free. */
    public void admit(Job job) {
        if (capacity.enqueue(QueueEntry.of(job, 0))) {
            LOG.info("job.queued", "jobId", job.jobId(), "priority", job.priority().word());
        }
        dispatch();
    }

    /**
     * Puts a QUEUED job without a slot back in the queue, without dispatching: called from the execution
     * that is about to end, which must not be mistaken for the job's next one.
     */
    public void waitInQueue(Job job) {
        if (capacity.enqueue(QueueEntry.of(job, 0))) {
            LOG.warn("job.requeued", "jobId", job.jobId(), "reason", "its execution found no slot");
        }
    }

    /**
     * Gives free slots to the jobs at the head of the queue, each followed by a new execution.
     *
     * @return how many jobs got a slot
     */
    public int dispatch() {
        int started = 0;
        int rounds = policy.configuredLimit() + EXTRA_ROUNDS;
        for (int round = 0; round < rounds; round++) {
            Instant now = clock.instant();
            Ledger ledger = capacity.ledger();
            if (raiseIfQuiet(ledger, now)) {
                continue;
            }
            CapacityStore.Probe probe = null;
            if (ledger.paused()) {
                Pause pause = ledger.pause();
                if (pause.source() != Pause.Source.KLING || now.isBefore(pause.probeAt())) {
                    return started;
                }
                probe = new CapacityStore.Probe(pause.probeAt(), now.plus(policy.intakeProbeAfter()));
            }
            int limit = ledger.effectiveLimit(policy.configuredLimit());
            if (ledger.inUse() >= limit) {
                return started;
            }
            Optional<QueueEntry> head = capacity.head();
            if (head.isEmpty()) {
                return started;
            }
            QueueEntry entry = head.get();
            // The job itself is not read here (one call less between a freed slot and the next create):
            // an entry whose job has ended meanwhile is caught by its execution's first check, which
            // gives the slot back at once.
            if (expired(entry, now)) {
                expire(entry);
                continue;
            }
            SlotHold hold = new SlotHold(entry.jobId(), now, entry.starts() + 1, probe != null);
            if (!capacity.take(entry, hold, policy.configuredLimit(), probe)) {
                continue;
            }
            LOG.info("slot.taken", "jobId", hold.jobId(), "inUse", ledger.inUse() + 1, "limit", limit,
                    "execution", hold.execution(), "probe", hold.probe(),
                    "waitedMs", Duration.between(entry.admittedAt(), now).toMillis());
            follow(hold);
            started++;
            if (probe != null) {
                return started;
            }
        }
        return started;
    }

    /** The job's task ended (or was never created): its slot goes to the next job. Safe to repeat. */
    public void finished(String jobId) {
        if (capacity.release(jobId, Release.done())) {
            LOG.info("slot.released", "jobId", jobId);
            dispatch();
        }
    }

    /** The slot a job holds, if any: no create request may leave without one. */
    public Optional<SlotHold> holdOf(String jobId) {
        return capacity.hold(jobId);
    }

    /**
     * Kling refused the job's create for concurrency (1303) although the ledger had a slot for it:
     * another client uses the account. The learned limit drops to what Kling takes from us, and the job
     * goes back to its place in the queue; it gets the next slot freed.
     */
    public void refused(Job job, SlotHold hold) {
        Instant now = clock.instant();
        Ledger ledger = capacity.ledger();
        int lowered = Math.max(1, Math.min(ledger.inUse(), ledger.effectiveLimit(policy.configuredLimit())) - 1);
        if (capacity.release(job.jobId(), Release.backToQueue(QueueEntry.of(job, hold.start())).lowering(lowered, now))) {
            LOG.warn("capacity.limit_lowered", "jobId", job.jobId(), "learnedLimit", lowered,
                    "configuredLimit", policy.configuredLimit(), "inUse", ledger.inUse());
        }
    }

    /**
     * Kling refused the job for an account problem (1100-1102): intake pauses, the job goes back to its
     * place, and after {@link CapacityPolicy#intakeProbeAfter()} one job probes whether Kling takes work
     * again.
     */
    public void accountProblem(Job job, SlotHold hold, String klingCode, String message) {
        Instant now = clock.instant();
        Pause pause = new Pause(Pause.Source.KLING, "Kling " + klingCode + ": " + message, now,
                now.plus(policy.intakeProbeAfter()));
        if (capacity.release(job.jobId(), Release.backToQueue(QueueEntry.of(job, hold.start())).pausing(pause))) {
            LOG.error("intake.paused", "jobId", job.jobId(), "source", "KLING", "klingCode", klingCode,
                    "probeAt", pause.probeAt());
        }
    }

    /** Kling accepted a create: when that was the half-open probe, intake resumes and the queue moves. */
    public void accepted(SlotHold hold) {
        if (hold.probe() && capacity.resume(Pause.Source.KLING)) {
            LOG.info("intake.resumed", "by", "probe", "jobId", hold.jobId());
            dispatch();
        }
    }

    /** An operator pauses intake until they resume it. */
    public void pause(String reason) {
        capacity.pause(new Pause(Pause.Source.OPERATOR, reason, clock.instant(), null));
        LOG.warn("intake.paused", "source", "OPERATOR", "reason", reason);
    }

    /**
     * An operator resumes intake (whoever paused it), and the queue moves.
     *
     * @return false when intake was not paused
     */
    public boolean resume() {
        boolean resumed = capacity.resume(null);
        if (resumed) {
            LOG.info("intake.resumed", "by", "operator");
        }
        dispatch();
        return resumed;
    }

    /**
     * Makes sure a live job is followed: in the queue, or holding a slot with a running execution; and
     * that an ended job holds no slot. Used for a repeated event or request and by the reaper.
     */
    public FollowUp ensureFollowed(Job job) {
        if (job.status().isTerminal()) {
            if (capacity.release(job.jobId(), Release.done())) {
                LOG.warn("slot.leak_released", "alert", "SLOT_LEAK", "jobId", job.jobId(), "status", job.status());
                dispatch();
                return FollowUp.RELEASED;
            }
            return FollowUp.NOTHING;
        }
        Optional<SlotHold> hold = capacity.hold(job.jobId());
        if (hold.isPresent()) {
            return followHold(hold.get());
        }
        if (job.status() == JobStatus.QUEUED) {
            if (capacity.enqueue(QueueEntry.of(job, 0))) {
                LOG.warn("job.requeued", "jobId", job.jobId(), "reason", "neither queued nor holding a slot");
                dispatch();
                return FollowUp.REQUEUED;
            }
            return FollowUp.NOTHING;
        }
        // Kling runs (or just ended) the task. A job that stores its finished video holds no slot: leave
        // it alone while its check may still be running.
        if (job.updatedAt() != null && clock.instant().isBefore(job.updatedAt().plus(CHECK_GRACE))) {
            return FollowUp.NOTHING;
        }
        // Otherwise it lost its hold, and the task occupies a slot at Kling whatever the ledger says.
        SlotHold adopted = new SlotHold(job.jobId(), clock.instant(), 1, false);
        if (capacity.adopt(adopted)) {
            LOG.warn("slot.adopted", "alert", "SLOT_LEAK", "jobId", job.jobId(), "klingTaskId", job.klingTaskId());
            follow(adopted);
            return FollowUp.ADOPTED;
        }
        return FollowUp.NOTHING;
    }

    /** Starts the job's execution again when it is not running (it never started, or stopped early). */
    FollowUp followHold(SlotHold hold) {
        Workflow.State state = workflow.state(hold.execution());
        if (state == Workflow.State.RUNNING) {
            return FollowUp.NOTHING;
        }
        SlotHold next = hold;
        if (state == Workflow.State.ENDED) {
            if (!capacity.restart(hold, hold.start() + 1)) {
                return FollowUp.NOTHING;
            }
            next = new SlotHold(hold.jobId(), hold.takenAt(), hold.start() + 1, hold.probe());
        }
        LOG.warn("job.follow_restarted", "jobId", hold.jobId(), "execution", next.execution(), "was", state);
        follow(next);
        return FollowUp.RESTARTED;
    }

    /** Fails a job that waited longer than the queue allows; false when it had left the queue already. */
    public boolean expire(QueueEntry entry) {
        if (!capacity.remove(entry)) {
            return false;
        }
        Duration waited = Duration.between(entry.admittedAt(), clock.instant());
        Failure failure = new Failure(FailureCode.QUEUE_EXPIRED, "waited " + waited.toMinutes() + " minutes for a Kling slot; "
                + "the queue keeps a job at most " + policy.maxQueueAge().toHours() + " hours (MaxQueueHours)");
        for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
            Optional<Job> job = store.find(entry.jobId());
            if (job.isEmpty() || job.get().status() != JobStatus.QUEUED) {
                return true;
            }
            Instant now = clock.instant();
            try {
                store.update(job.get().toBuilder().status(JobStatus.FAILED).failure(failure).completedAt(now)
                        .updatedAt(now).build());
                LOG.warn("job.failed", "jobId", entry.jobId(), "status", JobStatus.FAILED, "code", failure.code(),
                        "reason", failure.reason());
                return true;
            } catch (ConcurrentJobUpdateException e) {
                if (attempt == MAX_WRITE_ATTEMPTS) {
                    throw e;
                }
            }
        }
        return true;
    }

    /** The capacity as operators see it. */
    public CapacityView view() {
        Ledger ledger = capacity.ledger();
        return new CapacityView(ledger.inUse(), policy.configuredLimit(), ledger.effectiveLimit(policy.configuredLimit()),
                capacity.queueLength(), ledger.pause(), capacity.runTimes());
    }

    /** Where a live job stands and when it should be done; empty for an ended job. */
    public Optional<QueuePlace> place(Job job) {
        if (job.status().isTerminal() || job.parameters() == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Duration typical = typicalRunTime(job.parameters());
        if (job.status() != JobStatus.QUEUED && job.submittedAt() != null) {
            return Optional.of(QueuePlace.at(null, job.submittedAt(), later(job.submittedAt().plus(typical), now), now));
        }
        Optional<SlotHold> hold = capacity.hold(job.jobId());
        if (hold.isPresent()) {
            Instant start = hold.get().takenAt();
            return Optional.of(QueuePlace.at(null, start, later(start.plus(typical), now), now));
        }
        long ahead = capacity.ahead(QueueEntry.of(job, 0));
        Ledger ledger = capacity.ledger();
        if (ledger.paused()) {
            return Optional.of(QueuePlace.at(ahead, null, null, now));
        }
        Instant start = slotFreeFor(ahead, ledger.effectiveLimit(policy.configuredLimit()), capacity.holds(), typical, now);
        return Optional.of(QueuePlace.at(ahead, start, start.plus(typical), now));
    }

    /**
     * When the job with {@code ahead} jobs before it gets a slot, if every task takes {@code typical}:
     * the slots free in order of their holds, and each freed slot serves the next job.
     */
    static Instant slotFreeFor(long ahead, int limit, List<SlotHold> holds, Duration typical, Instant now) {
        PriorityQueue<Instant> free = new PriorityQueue<>();
        for (SlotHold hold : holds) {
            free.add(later(hold.takenAt().plus(typical), now));
        }
        for (int i = holds.size(); i < limit; i++) {
            free.add(now);
        }
        while (free.size() > Math.max(1, limit)) {
            // more held than allowed (adopted holds): the earliest to free is not reused
            free.poll();
        }
        Instant start = now;
        for (long i = 0; i <= ahead; i++) {
            start = free.poll();
            free.add(start.plus(typical));
        }
        return start;
    }

    /** The observed run time of this kind of video, or the usual one before any was observed. */
    private Duration typicalRunTime(GenerationParameters parameters) {
        return capacity.runTime(RunTime.profile(parameters)).map(RunTime::typical)
                .orElseGet(() -> PollPolicy.expectedGenerationTime(parameters));
    }

    /** The observed run time of this kind of video, if any was observed. */
    public Optional<Duration> observedRunTime(GenerationParameters parameters) {
        return capacity.runTime(RunTime.profile(parameters)).map(RunTime::typical);
    }

    /** Learns from one task Kling finished. */
    public void recordRunTime(GenerationParameters parameters, Duration runTime) {
        if (runTime == null || runTime.isNegative() || runTime.isZero()) {
            return;
        }
        String profile = RunTime.profile(parameters);
        RunTime updated = capacity.runTime(profile).orElse(new RunTime(Duration.ZERO, 0)).with(runTime);
        capacity.recordRunTime(profile, updated);
    }

    /** Starts the execution that follows a job holding a slot; a name already used moves to the next number. */
    private void follow(SlotHold hold) {
        SlotHold current = hold;
        for (int bump = 0; bump < MAX_NAME_BUMPS; bump++) {
            Workflow.Start start;
            try {
                start = workflow.start(current.execution(), current.jobId(), 0);
            } catch (RuntimeException e) {
                // The slot stays held; the reaper starts the execution on its next run.
                LOG.error("slot.follow_failed", "jobId", current.jobId(), "execution", current.execution(),
                        "error", e.getClass().getName(), "message", e.getMessage());
                return;
            }
            if (start != Workflow.Start.TAKEN) {
                return;
            }
            if (!capacity.restart(current, current.start() + 1)) {
                return;
            }
            current = new SlotHold(current.jobId(), current.takenAt(), current.start() + 1, current.probe());
        }
        LOG.error("slot.follow_failed", "jobId", hold.jobId(), "reason", MAX_NAME_BUMPS + " execution names taken");
    }

    private boolean raiseIfQuiet(Ledger ledger, Instant now) {
        Integer learned = ledger.learnedLimit();
        if (learned == null) {
            return false;
        }
        Instant last = latest(ledger.lastRefusalAt(), ledger.lastRaiseAt());
        if (last != null && now.isBefore(last.plus(policy.raiseQuietPeriod()))) {
            return false;
        }
        Integer raised = learned + 1 >= policy.configuredLimit() ? null : learned + 1;
        if (capacity.raiseLearnedLimit(learned, raised, now)) {
            LOG.info("capacity.limit_raised", "from", learned, "to", raised == null ? policy.configuredLimit() : raised,
                    "configuredLimit", policy.configuredLimit());
        }
        return true;
    }

    private boolean expired(QueueEntry entry, Instant now) {
        return !now.isBefore(entry.admittedAt().plus(policy.maxQueueAge()));
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
