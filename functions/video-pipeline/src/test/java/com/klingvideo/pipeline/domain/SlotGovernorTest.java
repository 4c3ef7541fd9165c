package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.domain.failure.ConcurrentJobUpdateException;
import com.klingvideo.pipeline.fakes.InMemoryCapacityStore;
import com.klingvideo.pipeline.fakes.InMemoryJobStore;
import com.klingvideo.pipeline.fakes.MutableClock;
import com.klingvideo.pipeline.fakes.RecordingWorkflow;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobOrigin;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SlotGovernorTest {
    private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    private static final GenerationParameters PARAMS =
            new GenerationParameters("kling-v2-1", "std", "5", "p", "", 0.5, null);

    private final InMemoryJobStore store = new InMemoryJobStore();
    private final InMemoryCapacityStore capacity = new InMemoryCapacityStore();
    private final RecordingWorkflow workflow = new RecordingWorkflow();
    private final MutableClock clock = new MutableClock(START);
    private final SlotGovernor governor = governor(2);

    private SlotGovernor governor(int slots) {
        return new SlotGovernor(capacity, store, workflow, new CapacityPolicy(slots, Duration.ofHours(24),
                Duration.ofMinutes(10), Duration.ofMinutes(15)), clock);
    }

    /** Stores a QUEUED job admitted now and hands it to the governor, as JobLauncher does. */
    private Job admit(String jobId, Priority priority) {
        Job job = Job.builder().jobId(jobId).status(JobStatus.QUEUED).origin(JobOrigin.UPLOAD).priority(priority)
                .parameters(PARAMS).createdAt(clock.instant()).updatedAt(clock.instant()).version(1).build();
        store.create(job);
        governor.admit(job);
        clock.advance(Duration.ofMillis(10));
        return job;
    }

    private Job admit(String jobId) {
        return admit(jobId, Priority.NORMAL);
    }

    /** What the check that saw the job's task end does: the job ends, then its slot is given back. */
    private void end(String jobId) {
        Job job = store.get(jobId);
        store.update(job.toBuilder().status(JobStatus.SUCCEEDED).completedAt(clock.instant()).build());
        governor.finished(jobId);
    }

    private List<String> startedJobs() {
        List<String> ids = new ArrayList<>();
        workflow.calls().forEach(c -> ids.add(c.jobId()));
        return ids;
    }

    @Test
    void admit_should_takeAFreeSlotAndStartItsExecution_when_aSlotIsFree() {
        // WHEN a job is admitted to an idle account
        admit("u-1");
        // THEN it holds a slot and its execution starts at once, named after the job, with no wait
        assertThat(capacity.holds()).extracting(SlotHold::jobId).containsExactly("u-1");
        assertThat(capacity.ledger().inUse()).isEqualTo(1);
        assertThat(workflow.calls()).containsExactly(new RecordingWorkflow.Start("u-1", "u-1", 0));
        assertThat(capacity.queueLength()).isZero();
    }

    @Test
    void admit_should_waitInTheQueueWithoutAnExecution_when_everySlotIsTaken() {
        // GIVEN both slots taken
        admit("u-1");
        admit("u-2");
        // WHEN more jobs arrive
        admit("u-3");
        admit("u-4");
        // THEN they wait in admission order, with no execution (no state transitions, no Kling call)
        assertThat(capacity.queuedJobIds()).containsExactly("u-3", "u-4");
        assertThat(startedJobs()).containsExactly("u-1", "u-2");
        assertThat(capacity.ledger().inUse()).isEqualTo(2);
    }

    @Test
    void finished_should_handTheSlotToTheHeadOfTheQueueAtOnce_when_aTaskEnds() {
        admit("u-1");
        admit("u-2");
        admit("u-3");
        admit("u-4");
        // WHEN the first task ends
        end("u-1");
        // THEN the freed slot goes to the oldest waiting job right away, by the one that freed it
        assertThat(startedJobs()).containsExactly("u-1", "u-2", "u-3");
        assertThat(capacity.queuedJobIds()).containsExactly("u-4");
        assertThat(capacity.ledger().inUse()).isEqualTo(2);
    }

    @Test
    void finished_should_releaseOnce_when_repeated() {
        admit("u-1");
        admit("u-2");
        admit("u-3");
        end("u-1");
        // WHEN the release is repeated (a retried check)
        governor.finished("u-1");
        governor.finished("u-1");
        // THEN nothing more is freed or started
        assertThat(capacity.ledger().inUse()).isEqualTo(2);
        assertThat(startedJobs()).containsExactly("u-1", "u-2", "u-3");
    }

    @Test
    void dispatch_should_putHighPriorityFirst_when_bothWait() {
        admit("u-1");
        admit("u-2");
        admit("u-normal", Priority.NORMAL);
        admit("a-high", Priority.HIGH);
        end("u-1");
        assertThat(startedJobs()).containsExactly("u-1", "u-2", "a-high");
        assertThat(capacity.queuedJobIds()).containsExactly("u-normal");
    }

    @Test
    void dispatch_should_neverHoldMoreThanTheLimit_when_manyFunctionsAdmitAndReleaseAtOnce() throws Exception {
        // GIVEN 40 jobs admitted from 8 threads while 8 others end tasks as they start
        SlotGovernor three = governor(3);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 40; i++) {
            String id = "u-" + i;
            pool.submit(() -> {
                go.await();
                Job job = Job.builder().jobId(id).status(JobStatus.QUEUED).origin(JobOrigin.UPLOAD)
                        .parameters(PARAMS).createdAt(START).updatedAt(START).version(1).build();
                store.create(job);
                three.admit(job);
                for (SlotHold hold : capacity.holds()) {
                    if (Math.floorMod(hold.jobId().hashCode(), 2) == 0) {
                        store.find(hold.jobId()).ifPresent(j -> {
                            try {
                                store.update(j.toBuilder().status(JobStatus.SUCCEEDED).build());
                            } catch (ConcurrentJobUpdateException e) {
                                // another thread ended it
                            }
                        });
                        three.finished(hold.jobId());
                    }
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        // THEN the ledger never counted more than three, and it agrees with the holds
        assertThat(capacity.peakInUse()).isLessThanOrEqualTo(3);
        assertThat(capacity.ledger().inUse()).isEqualTo(capacity.holds().size());
        // and every job either holds a slot, waits, or ended: none is lost
        for (int i = 0; i < 40; i++) {
            String id = "u-" + i;
            boolean ended = store.get(id).status() == JobStatus.SUCCEEDED;
            boolean held = capacity.hold(id).isPresent();
            boolean waiting = capacity.queuedJobIds().contains(id);
            assertThat(List.of(ended, held, waiting)).as(id).containsOnlyOnce(true);
        }
    }

    @Test
    void refused_should_lowerTheLearnedLimitAndPutTheJobBackAtItsPlace_when_klingHasNoRoom() {
        // GIVEN both slots held and a job waiting
        admit("u-1");
        admit("u-2");
        admit("u-3");
        // WHEN Kling refuses u-2's create with 1303 (another client holds a slot)
        governor.refused(store.get("u-2"), capacity.hold("u-2").orElseThrow());
        // THEN the account is learned to take one of ours; u-2 waits ahead of u-3, keeping its place
        assertThat(capacity.ledger().learnedLimit()).isEqualTo(1);
        assertThat(capacity.ledger().lastRefusalAt()).isEqualTo(clock.instant());
        assertThat(capacity.queuedJobIds()).containsExactly("u-2", "u-3");
        assertThat(capacity.waiting().get(0).starts()).isEqualTo(1);
        // AND when u-1 ends, u-2 gets the slot, followed by a new execution (names stay taken)
        end("u-1");
        assertThat(workflow.calls()).last().isEqualTo(new RecordingWorkflow.Start("u-2-2", "u-2", 0));
        assertThat(capacity.ledger().inUse()).isEqualTo(1);
        assertThat(capacity.queuedJobIds()).containsExactly("u-3");
    }

    @Test
    void dispatch_should_raiseTheLearnedLimitByOne_when_quietForTheQuietPeriod() {
        SlotGovernor four = governor(4);
        capacity.setLedger(new Ledger(0, 2, START, null, null));
        // WHEN dispatching before the quiet period has passed THEN the learned limit stays
        clock.advance(Duration.ofMinutes(9));
        four.dispatch();
        assertThat(capacity.ledger().learnedLimit()).isEqualTo(2);
        // WHEN it has passed THEN it rises by one, and again only after another quiet period
        clock.advance(Duration.ofMinutes(1));
        four.dispatch();
        assertThat(capacity.ledger().learnedLimit()).isEqualTo(3);
        four.dispatch();
        assertThat(capacity.ledger().learnedLimit()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(10));
        four.dispatch();
        // reaching the configured limit, nothing is learned any more
        assertThat(capacity.ledger().learnedLimit()).isNull();
        assertThat(capacity.ledger().effectiveLimit(4)).isEqualTo(4);
    }

    @Test
    void accountProblem_should_pauseIntake_and_probeOnceAfterTheProbeTime() {
        // GIVEN a Kling account problem on u-1's create while u-2 waits
        SlotGovernor one = governor(1);
        Job first = Job.builder().jobId("u-1").status(JobStatus.QUEUED).origin(JobOrigin.UPLOAD).parameters(PARAMS)
                .createdAt(START).updatedAt(START).version(1).build();
        store.create(first);
        one.admit(first);
        Job second = first.toBuilder().jobId("u-2").createdAt(START.plusSeconds(1)).build();
        store.create(second);
        one.admit(second);
        one.accountProblem(store.get("u-1"), capacity.hold("u-1").orElseThrow(), "1102", "resource pack exhausted");
        // THEN no job gets a slot while paused, both still wait
        assertThat(capacity.ledger().pause().source()).isEqualTo(Pause.Source.KLING);
        assertThat(one.dispatch()).isZero();
        assertThat(capacity.queuedJobIds()).containsExactly("u-1", "u-2");
        clock.advance(Duration.ofMinutes(14));
        assertThat(one.dispatch()).isZero();
        // WHEN the probe time comes THEN exactly one job probes, and the next probe moves on
        clock.advance(Duration.ofMinutes(1));
        assertThat(one.dispatch()).isEqualTo(1);
        SlotHold probe = capacity.hold("u-1").orElseThrow();
        assertThat(probe.probe()).isTrue();
        assertThat(capacity.ledger().pause().probeAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(one.dispatch()).isZero();
        // WHEN Kling accepts the probe THEN intake resumes
        one.accepted(probe);
        assertThat(capacity.ledger().paused()).isFalse();
    }

    @Test
    void pause_should_stopEveryDispatchUntilResumed_when_anOperatorPauses() {
        governor.pause("maintenance");
        admit("u-1");
        clock.advance(Duration.ofHours(2));
        assertThat(governor.dispatch()).isZero();
        assertThat(workflow.calls()).isEmpty();
        assertThat(governor.resume()).isTrue();
        assertThat(startedJobs()).containsExactly("u-1");
        assertThat(governor.resume()).isFalse();
    }

    @Test
    void dispatch_should_failQueueExpired_when_aJobWaitedLongerThanTheQueueAllows() {
        admit("u-1");
        admit("u-2");
        admit("u-old");
        clock.advance(Duration.ofHours(24));
        admit("u-new");
        // WHEN a slot frees after a day
        end("u-1");
        // THEN the job that waited a day fails with the reason, and the slot goes to the next one
        Job old = store.get("u-old");
        assertThat(old.status()).isEqualTo(JobStatus.FAILED);
        assertThat(old.failure().code()).isEqualTo("QUEUE_EXPIRED");
        assertThat(old.failure().reason()).contains("24 hours");
        assertThat(startedJobs()).containsExactly("u-1", "u-2", "u-new");
    }

    @Test
    void dispatch_should_useTheNextName_when_theFirstBelongsToAnEndedExecution() {
        workflow.end("u-1");
        admit("u-1");
        assertThat(workflow.executionsOf("u-1")).containsExactly("u-1-2");
        assertThat(capacity.hold("u-1").orElseThrow().start()).isEqualTo(2);
    }

    @Test
    void dispatch_should_keepTheSlot_when_theExecutionFailsToStart() {
        workflow.failNextStart(new IllegalStateException("throttled"));
        admit("u-1");
        // THEN the slot stays held: the reaper (or a repeated event) starts the execution
        assertThat(capacity.hold("u-1")).isPresent();
        assertThat(workflow.running()).isEmpty();
        assertThat(governor.ensureFollowed(store.get("u-1"))).isEqualTo(SlotGovernor.FollowUp.RESTARTED);
        assertThat(workflow.running()).containsExactly("u-1");
    }

    @Test
    void ensureFollowed_should_repairEachWayAJobCanBeLost() {
        SlotGovernor four = governor(4);
        // a job holding a slot whose execution stopped: a new execution follows it
        Job held = job("u-held", JobStatus.SUBMITTED);
        capacity.leak(new SlotHold("u-held", START, 1, false));
        workflow.end("u-held");
        assertThat(four.ensureFollowed(held)).isEqualTo(SlotGovernor.FollowUp.RESTARTED);
        assertThat(workflow.running()).contains("u-held-2");
        // a queued job neither queued nor holding a slot: back in the queue (and dispatched)
        assertThat(four.ensureFollowed(job("u-lost", JobStatus.QUEUED))).isEqualTo(SlotGovernor.FollowUp.REQUEUED);
        assertThat(capacity.hold("u-lost")).isPresent();
        // a job Kling runs that lost its hold: left alone while a check may still store its video, then it
        // gets a hold back, whatever the limit, and is followed
        Job running = job("u-running", JobStatus.PROCESSING);
        assertThat(four.ensureFollowed(running)).isEqualTo(SlotGovernor.FollowUp.NOTHING);
        clock.advance(SlotGovernor.CHECK_GRACE);
        assertThat(four.ensureFollowed(running)).isEqualTo(SlotGovernor.FollowUp.ADOPTED);
        assertThat(capacity.hold("u-running")).isPresent();
        assertThat(workflow.running()).contains("u-running");
        // an ended job still holding a slot: released
        Job ended = job("u-ended", JobStatus.SUCCEEDED);
        capacity.leak(new SlotHold("u-ended", START, 1, false));
        assertThat(four.ensureFollowed(ended)).isEqualTo(SlotGovernor.FollowUp.RELEASED);
        assertThat(capacity.hold("u-ended")).isEmpty();
        // and a job that is fine needs nothing
        assertThat(four.ensureFollowed(held)).isEqualTo(SlotGovernor.FollowUp.NOTHING);
        assertThat(capacity.ledger().inUse()).isEqualTo(capacity.holds().size());
    }

    @Test
    void place_should_countJobsAheadAndEstimateFromObservedRunTimes_when_jobWaits() {
        // GIVEN Kling seen to take 100 s for this kind of video, both slots taken, two jobs waiting
        governor.recordRunTime(PARAMS, Duration.ofSeconds(100));
        admit("u-1");
        admit("u-2");
        admit("u-3");
        Job last = admit("u-4");
        // WHEN asked where the last one stands
        QueuePlace place = governor.place(last).orElseThrow();
        // THEN one job is ahead of it; it starts when the second slot frees (u-2 started 10 ms after
        // u-1, so at 100.01 s) and ends a run time later
        assertThat(place.ahead()).isEqualTo(1);
        assertThat(place.expectedStart()).isEqualTo(START.plusMillis(100_010));
        assertThat(place.expectedEnd()).isEqualTo(START.plusMillis(200_010));
        assertThat(place.eta()).isEqualTo(Duration.ofMillis(200_010 - 40));
        // and while intake is paused no time is promised
        governor.pause("x");
        assertThat(governor.place(last).orElseThrow().eta()).isNull();
        assertThat(governor.place(store.get("u-1")).orElseThrow().ahead()).isNull();
    }

    @Test
    void recordRunTime_should_followKlingGradually_when_timesChange() {
        governor.recordRunTime(PARAMS, Duration.ofSeconds(100));
        assertThat(governor.observedRunTime(PARAMS)).hasValue(Duration.ofSeconds(100));
        governor.recordRunTime(PARAMS, Duration.ofSeconds(200));
        assertThat(governor.observedRunTime(PARAMS)).hasValue(Duration.ofSeconds(130));
        assertThat(capacity.runTimes().get("kling-v2-1/std/5").samples()).isEqualTo(2);
        // a missing or nonsensical time teaches nothing
        governor.recordRunTime(PARAMS, null);
        governor.recordRunTime(PARAMS, Duration.ZERO);
        assertThat(capacity.runTimes().get("kling-v2-1/std/5").samples()).isEqualTo(2);
    }

    @Test
    void slotFreeFor_should_serveJobsInTheOrderSlotsFree_when_moreJobsThanSlots() {
        List<SlotHold> holds = List.of(new SlotHold("a", START, 1, false), new SlotHold("b", START.plusSeconds(30), 1, false));
        Duration run = Duration.ofSeconds(60);
        // two slots, both busy: the 1st waiting job starts at 60 s, the 2nd at 90 s, the 3rd at 120 s
        assertThat(SlotGovernor.slotFreeFor(0, 2, holds, run, START)).isEqualTo(START.plusSeconds(60));
        assertThat(SlotGovernor.slotFreeFor(1, 2, holds, run, START)).isEqualTo(START.plusSeconds(90));
        assertThat(SlotGovernor.slotFreeFor(2, 2, holds, run, START)).isEqualTo(START.plusSeconds(120));
        // a third, free slot serves the first at once
        assertThat(SlotGovernor.slotFreeFor(0, 3, holds, run, START)).isEqualTo(START);
    }

    private Job job(String jobId, JobStatus status) {
        Job job = Job.builder().jobId(jobId).status(status).origin(JobOrigin.UPLOAD).parameters(PARAMS)
                .klingTaskId(status == JobStatus.QUEUED ? null : "t-" + jobId)
                .submittedAt(status == JobStatus.QUEUED ? null : START)
                .createdAt(START).updatedAt(START).version(1).build();
        store.create(job);
        return job;
    }
}
