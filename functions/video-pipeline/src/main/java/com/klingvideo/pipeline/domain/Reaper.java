package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobPage;
import com.klingvideo.pipeline.model.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Repairs what a crash, a lost event or a failed call can leave behind, on a schedule: a slot held by a
 * job that ended (released), a job holding a slot whose execution is not running (restarted), a live
 * job neither queued nor holding a slot (put back in the queue, or given back the slot its Kling task
 * occupies), a job that waited too long (QUEUE_EXPIRED), a ledger count that disagrees with its holds;
 * then it dispatches, which also raises a learned limit after its quiet period and lets the half-open
 * probe of a paused intake go. Jobs past their limits are reported with {@code "alert":"JOB_OVERDUE"}.
 */
public final class Reaper {
    private static final JsonLog LOG = JsonLog.of(Reaper.class);
    private static final int PAGE = 100;
    /** Slack past a job's own limits before it is reported overdue. */
    static final Duration OVERDUE_SLACK = Duration.ofMinutes(10);

    private final CapacityStore capacity;
    private final JobStore store;
    private final SlotGovernor governor;
    private final Duration slotLimit;
    private final Clock clock;

    /**
     * @param slotLimit the longest a job should hold a slot: the submit deadline plus the poll limit
     */
    public Reaper(CapacityStore capacity, JobStore store, SlotGovernor governor, Duration slotLimit, Clock clock) {
        this.capacity = capacity;
        this.store = store;
        this.governor = governor;
        this.slotLimit = slotLimit;
        this.clock = clock;
    }

    /** What one run repaired. */
    public record Report(int released, int restarted, int requeued, int adopted, int expired, boolean recounted,
                         int overdue, int dispatched) {
    }

    public Report run() {
        Instant now = clock.instant();
        int released = 0;
        int restarted = 0;
        int requeued = 0;
        int adopted = 0;
        int expired = 0;
        int overdue = 0;

        Ledger ledger = capacity.ledger();
        List<SlotHold> holds = capacity.holds();
        Set<String> held = new HashSet<>();
        for (SlotHold hold : holds) {
            held.add(hold.jobId());
            Optional<Job> job = store.find(hold.jobId());
            if (job.isEmpty() || job.get().status().isTerminal()) {
                if (capacity.release(hold.jobId(), Release.done())) {
                    released++;
                    LOG.warn("reaper.slot_released", "alert", "SLOT_LEAK", "jobId", hold.jobId(),
                            "status", job.map(j -> j.status().name()).orElse("missing"));
                }
                continue;
            }
            if (governor.followHold(hold) == SlotGovernor.FollowUp.RESTARTED) {
                restarted++;
            }
            if (now.isAfter(hold.takenAt().plus(slotLimit).plus(OVERDUE_SLACK))) {
                overdue++;
                overdue(job.get(), "holds a slot since " + hold.takenAt());
            }
        }
        boolean recounted = false;
        if (released == 0 && ledger.inUse() != holds.size()) {
            recounted = capacity.recount(ledger.inUse(), holds.size());
            if (recounted) {
                LOG.warn("reaper.ledger_recounted", "alert", "SLOT_LEAK", "inUse", ledger.inUse(), "holds", holds.size());
            }
        }

        Set<String> waiting = new HashSet<>();
        for (QueueEntry entry : capacity.waiting()) {
            waiting.add(entry.jobId());
            if (!now.isBefore(entry.admittedAt().plus(governor.policy().maxQueueAge())) && governor.expire(entry)) {
                expired++;
            }
        }

        for (JobStatus status : List.of(JobStatus.QUEUED, JobStatus.SUBMITTED, JobStatus.PROCESSING)) {
            String token = null;
            do {
                JobPage page = store.list(status, PAGE, token);
                for (Job listed : page.jobs()) {
                    if (held.contains(listed.jobId()) || waiting.contains(listed.jobId())) {
                        continue;
                    }
                    // The index lags the table: decide on the job as it is now.
                    Optional<Job> job = store.find(listed.jobId());
                    if (job.isEmpty()) {
                        continue;
                    }
                    switch (governor.ensureFollowed(job.get())) {
                        case REQUEUED -> requeued++;
                        case ADOPTED -> adopted++;
                        case RESTARTED -> restarted++;
                        case RELEASED -> released++;
                        case NOTHING -> { }
                    }
                    if (job.get().status() == JobStatus.QUEUED && now.isAfter(job.get().createdAt()
                            .plus(governor.policy().maxQueueAge()).plus(OVERDUE_SLACK))) {
                        overdue++;
                        overdue(job.get(), "queued since " + job.get().createdAt());
                    }
                }
                token = page.nextToken();
            } while (token != null);
        }

        int dispatched = governor.dispatch();
        Report report = new Report(released, restarted, requeued, adopted, expired, recounted, overdue, dispatched);
        LOG.info("reaper.done", "released", released, "restarted", restarted, "requeued", requeued, "adopted", adopted,
                "expired", expired, "recounted", recounted, "overdue", overdue, "dispatched", dispatched,
                "holds", holds.size(), "queued", waiting.size());
        return report;
    }

    private static void overdue(Job job, String why) {
        LOG.error("reaper.job_overdue", "alert", "JOB_OVERDUE", "jobId", job.jobId(), "status", job.status(),
                "klingTaskId", job.klingTaskId(), "why", why);
    }
}
