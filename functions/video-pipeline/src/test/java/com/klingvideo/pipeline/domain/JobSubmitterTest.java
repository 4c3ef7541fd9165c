package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.domain.failure.KlingAccountException;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import com.klingvideo.pipeline.domain.failure.KlingTaskExistsException;
import com.klingvideo.pipeline.fakes.FakeVideoGenerator;
import com.klingvideo.pipeline.fakes.PipelineFixture;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobOrigin;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.S3Location;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSubmitterTest {
    private static final S3Location IMAGE = new S3Location(PipelineFixture.BUCKET, "inputs/cat.jpg");

    /** A queued job that the governor gave a slot, as dispatch does before its execution's first check. */
    private static Job queued(PipelineFixture f) {
        Job job = waiting(f);
        QueueEntry entry = QueueEntry.of(job, 0);
        assertThat(f.capacity.enqueue(entry)).isTrue();
        assertThat(f.capacity.take(entry, new SlotHold(job.jobId(), f.clock.instant(), 1, false), 4, null)).isTrue();
        return job;
    }

    /** A queued job that holds no slot. */
    private static Job waiting(PipelineFixture f) {
        f.media.putObject(IMAGE, TestImages.jpeg(640, 480), Map.of());
        Job job = Job.builder()
                .jobId("u-job1")
                .status(JobStatus.QUEUED)
                .origin(JobOrigin.UPLOAD)
                .image(IMAGE)
                .parameters(new GenerationParameters("kling-v2-1", "std", "5", "a cat", "", 0.5, null))
                .createdAt(f.clock.instant())
                .updatedAt(f.clock.instant())
                .version(1)
                .build();
        f.store.create(job);
        return job;
    }

    @Test
    void submit_should_recordSubmittedAndWaitExpectedTime_when_klingAccepts() {
        // GIVEN a queued job
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        // WHEN it is submitted
        JobSubmitter.Outcome outcome = f.submitter.submit(job);
        // THEN Kling got the presigned image URL and our job id as external id, and the job is SUBMITTED
        assertThat(f.kling.creates()).singleElement().satisfies(r -> {
            assertThat(r.externalTaskId()).isEqualTo("u-job1");
            assertThat(r.image()).startsWith("https://").contains("inputs/cat.jpg").contains("X-Amz-Expires=900");
            assertThat(r.imageTail()).isNull();
        });
        Job stored = f.store.get("u-job1");
        assertThat(stored.status()).isEqualTo(JobStatus.SUBMITTED);
        assertThat(stored.klingTaskId()).isEqualTo("task-1");
        assertThat(stored.submittedAt()).isEqualTo(PipelineFixture.START);
        assertThat(stored.submitAttempts()).isEqualTo(1);
        assertThat(stored.submitUnconfirmed()).isFalse();
        assertThat(outcome.waitSeconds()).isEqualTo(60);
    }

    @Test
    void submit_should_recordTheAttemptBeforeSending_when_called() {
        // GIVEN a Kling that looks at the store while the request is in flight
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.onCreate(r -> {
            Job during = f.store.get("u-job1");
            // THEN the attempt was already recorded as unconfirmed
            assertThat(during.submitAttempts()).isEqualTo(1);
            assertThat(during.submitUnconfirmed()).isTrue();
        });
        f.submitter.submit(job);
        assertThat(f.kling.creates()).hasSize(1);
    }

    @Test
    void submit_should_sendRawBase64_when_transportIsBase64() {
        PipelineFixture f = new PipelineFixture(FakeVideoGenerator.official(), ImageTransport.BASE64);
        Job job = queued(f);
        f.submitter.submit(job);
        String image = f.kling.creates().get(0).image();
        assertThat(image).doesNotStartWith("data:");
        assertThat(Base64.getDecoder().decode(image)).isEqualTo(TestImages.jpeg(640, 480));
    }

    @Test
    void submit_should_sendNothingAndWaitInTheQueue_when_jobHoldsNoSlot() {
        // GIVEN a queued job without a slot (an execution that outlived its hold)
        PipelineFixture f = new PipelineFixture();
        Job job = waiting(f);
        // WHEN its execution tries to submit it
        JobSubmitter.Outcome outcome = f.submitter.submit(job);
        // THEN no create request leaves: the job waits in the queue and this execution ends
        assertThat(f.kling.creates()).isEmpty();
        assertThat(outcome.inQueue()).isTrue();
        assertThat(f.capacity.queuedJobIds()).containsExactly("u-job1");
        assertThat(f.store.get("u-job1").submitAttempts()).isZero();
    }

    @Test
    void submit_should_giveTheSlotBackAndLowerTheLimit_when_concurrencyFull() {
        // GIVEN Kling answers 1303 although the ledger had a slot: another client uses the account
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreate(new KlingRetryableException("1303", 429, "parallel task over resource pack limit", false, null));
        // WHEN submitted
        JobSubmitter.Outcome outcome = f.submitter.submit(job);
        // THEN the job is back in the queue, still QUEUED, its execution ends, and the limit is learned
        Job stored = f.store.get("u-job1");
        assertThat(stored.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(stored.submitUnconfirmed()).as("a 1303 created nothing").isFalse();
        assertThat(stored.lastError()).contains("1303");
        assertThat(outcome.inQueue()).isTrue();
        assertThat(f.capacity.holds()).isEmpty();
        assertThat(f.capacity.queuedJobIds()).containsExactly("u-job1");
        assertThat(f.capacity.ledger().inUse()).isZero();
        assertThat(f.capacity.ledger().learnedLimit()).isEqualTo(1);
        assertThat(f.capacity.ledger().lastRefusalAt()).isEqualTo(PipelineFixture.START);
    }

    @Test
    void submit_should_keepTheSlotAndBackOff_when_klingIsDown() {
        // GIVEN Kling answers 5000 (server error, nothing created)
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreate(new KlingRetryableException("5000", 500, "internal error", false, null));
        // WHEN submitted
        JobSubmitter.Outcome outcome = f.submitter.submit(job);
        // THEN the job keeps its slot and its execution, and is tried again after a backoff
        assertThat(outcome.inQueue()).isFalse();
        assertThat(outcome.waitSeconds()).isBetween(1L, 5L);
        assertThat(f.capacity.holds()).extracting(SlotHold::jobId).containsExactly("u-job1");
        assertThat(f.store.get("u-job1").lastError()).contains("5000");
    }

    @Test
    void submit_should_adoptExistingTaskInsteadOfResubmitting_when_previousAttemptWasAmbiguous() {
        // GIVEN a create that reached Kling but whose answer was lost (timeout)
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreateAfterAccepting(new KlingRetryableException("timeout", 0, "read timed out", true, null));
        JobSubmitter.Outcome first = f.submitter.submit(job);
        assertThat(first.job().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(first.job().submitUnconfirmed()).isTrue();
        // WHEN the job is tried again
        JobSubmitter.Outcome second = f.submitter.submit(first.job());
        // THEN Kling is asked by external id and the found task is adopted: one create in all
        assertThat(f.kling.lookups()).containsExactly("u-job1");
        assertThat(f.kling.creates()).hasSize(1);
        assertThat(second.job().status()).isEqualTo(JobStatus.SUBMITTED);
        assertThat(second.job().klingTaskId()).isEqualTo("task-1");
    }

    @Test
    void submit_should_followTheTask_when_klingSaysItExistsBeforeALookupFindsIt() {
        // GIVEN a create that reached Kling but timed out, and Kling's lookups trailing its writes
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreateAfterAccepting(new KlingRetryableException("timeout", 0, "read timed out", true, null));
        JobSubmitter.Outcome first = f.submitter.submit(job);
        f.kling.hideFromLookups(2);
        // WHEN the lookup finds nothing and the resubmit is answered "external_task_id already exists"
        f.clock.advance(Duration.ofSeconds(first.waitSeconds()));
        JobSubmitter.Outcome second = f.submitter.submit(first.job());
        // THEN the job is not failed: it keeps its slot and looks again after a wait
        assertThat(second.job().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(second.job().failure()).isNull();
        assertThat(second.job().submitUnconfirmed()).isTrue();
        assertThat(second.waitSeconds()).isPositive();
        assertThat(second.inQueue()).isFalse();
        assertThat(second.job().lastError()).isEqualTo("Kling 1201");
        assertThat(f.capacity.holds()).extracting(SlotHold::jobId).containsExactly("u-job1");
        // AND the lookups go on until one finds the task, which the job then follows: one task in all
        JobSubmitter.Outcome outcome = second;
        for (int turn = 0; turn < 3 && outcome.job().status() == JobStatus.QUEUED; turn++) {
            f.clock.advance(Duration.ofSeconds(outcome.waitSeconds()));
            outcome = f.submitter.submit(outcome.job());
        }
        assertThat(outcome.job().status()).isEqualTo(JobStatus.SUBMITTED);
        assertThat(outcome.job().klingTaskId()).isEqualTo("task-1");
        assertThat(f.kling.creates()).extracting(VideoRequest::externalTaskId).containsOnly("u-job1");
        assertThat(f.kling.lookups()).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void submit_should_lookOnceMoreBeforeFailing_when_theDeadlinePassedWithACreateUnconfirmed() {
        // GIVEN a create whose answer was lost, and the submit deadline passing before the next turn
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreateAfterAccepting(new KlingRetryableException("timeout", 0, "read timed out", true, null));
        JobSubmitter.Outcome first = f.submitter.submit(job);
        f.clock.advance(f.retryPolicy.deadline().plusSeconds(1));
        // WHEN the job is tried again
        JobSubmitter.Outcome second = f.submitter.submit(first.job());
        // THEN the task Kling holds is found and followed rather than the job failed
        assertThat(second.job().status()).isEqualTo(JobStatus.SUBMITTED);
        assertThat(f.kling.creates()).hasSize(1);
    }

    @Test
    void submit_should_failWithoutResubmitting_when_aGatewaySaysTheTaskExists() {
        PipelineFixture f = new PipelineFixture(FakeVideoGenerator.gateway(), ImageTransport.URL);
        Job job = queued(f);
        f.kling.failCreate(new KlingTaskExistsException("1201", 400, "external_task_id already exists"));
        JobSubmitter.Outcome outcome = f.submitter.submit(job);
        assertThat(outcome.job().status()).isEqualTo(JobStatus.FAILED);
        assertThat(outcome.job().failure().code()).isEqualTo("SUBMIT_UNVERIFIABLE");
        assertThat(outcome.job().failure().reason()).contains("task list");
        assertThat(f.kling.creates()).hasSize(1);
    }

    @Test
    void submit_should_createAgain_when_ambiguousAttemptCreatedNothing() {
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreate(new KlingRetryableException("5000", 500, "internal error", true, null));
        JobSubmitter.Outcome first = f.submitter.submit(job);
        JobSubmitter.Outcome second = f.submitter.submit(first.job());
        assertThat(f.kling.lookups()).containsExactly("u-job1");
        assertThat(f.kling.creates()).hasSize(2);
        assertThat(second.job().status()).isEqualTo(JobStatus.SUBMITTED);
        assertThat(second.job().submitAttempts()).isEqualTo(2);
    }

    @Test
    void submit_should_failRatherThanPayTwice_when_gatewayAttemptWasAmbiguous() {
        // GIVEN a gateway (no lookup by external id) and a create without an answer
        PipelineFixture f = new PipelineFixture(FakeVideoGenerator.gateway(), ImageTransport.URL);
        Job job = queued(f);
        f.kling.failCreate(new KlingRetryableException("timeout", 0, "read timed out", true, null));
        JobSubmitter.Outcome first = f.submitter.submit(job);
        // WHEN tried again
        JobSubmitter.Outcome second = f.submitter.submit(first.job());
        // THEN nothing is sent again and the job says why
        assertThat(f.kling.creates()).hasSize(1);
        assertThat(second.job().status()).isEqualTo(JobStatus.FAILED);
        assertThat(second.job().failure().code()).isEqualTo("SUBMIT_UNVERIFIABLE");
        assertThat(second.waitSeconds()).isZero();
    }

    @Test
    void submit_should_failWithKlingCode_when_rejected() {
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreate(new KlingRejectedException("1301", 400, "Kling 1301: content policy violation"));
        JobSubmitter.Outcome outcome = f.submitter.submit(job);
        assertThat(outcome.job().status()).isEqualTo(JobStatus.FAILED);
        assertThat(outcome.job().failure().code()).isEqualTo("KLING_1301");
        assertThat(outcome.job().failure().reason()).contains("content policy");
        assertThat(outcome.job().submitUnconfirmed()).isFalse();
    }

    @Test
    void submit_should_logTheLineTheFailedJobsMetricCounts_when_klingRefusesTheJob() throws Exception {
        // GIVEN Kling refuses the job for good
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreate(new KlingRejectedException("1301", 400, "Kling 1301: content policy violation"));
        java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
        com.klingvideo.pipeline.log.JsonLog.redirect(new java.io.PrintStream(logs, true, "UTF-8"));
        try {
            // WHEN it is submitted
            f.submitter.submit(job);
        } finally {
            com.klingvideo.pipeline.log.JsonLog.redirect(System.out);
        }
        // THEN exactly one line matches the template's FailedJobs metric filter
        // { $.status = "FAILED" && ($.event = "job.admitted" || $.event = "job.failed" || $.event = "job.ended") }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<com.fasterxml.jackson.databind.JsonNode> counted = new java.util.ArrayList<>();
        for (String line : logs.toString("UTF-8").lines().toList()) {
            com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
            if (node.path("status").asText().equals("FAILED")
                    && java.util.Set.of("job.admitted", "job.failed", "job.ended").contains(node.path("event").asText())) {
                counted.add(node);
            }
        }
        assertThat(counted).singleElement().satisfies(line -> {
            assertThat(line.path("jobId").asText()).isEqualTo("u-job1");
            assertThat(line.path("code").asText()).isEqualTo("KLING_1301");
        });
    }

    @Test
    void submit_should_pauseIntakeKeepTheJobQueuedAndRaiseTheAlert_when_resourcePackUsedUp() throws Exception {
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreate(new KlingAccountException("1102", 429, "Kling 1102: resource pack exhausted"));
        java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
        com.klingvideo.pipeline.log.JsonLog.redirect(new java.io.PrintStream(logs, true, "UTF-8"));
        JobSubmitter.Outcome outcome;
        try {
            outcome = f.submitter.submit(job);
        } finally {
            com.klingvideo.pipeline.log.JsonLog.redirect(System.out);
        }
        // THEN the job waits in the queue, not FAILED, and intake is paused with a probe time
        assertThat(outcome.job().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(outcome.job().failure()).isNull();
        assertThat(outcome.job().lastError()).contains("1102");
        assertThat(outcome.inQueue()).isTrue();
        assertThat(f.capacity.queuedJobIds()).containsExactly("u-job1");
        Pause pause = f.capacity.ledger().pause();
        assertThat(pause.source()).isEqualTo(Pause.Source.KLING);
        assertThat(pause.reason()).contains("1102");
        assertThat(pause.probeAt()).isEqualTo(PipelineFixture.START.plus(Duration.ofMinutes(15)));
        // the template's metric filter { $.alert = "KLING_ACCOUNT" } counts this line and raises the alarm
        com.fasterxml.jackson.databind.JsonNode alert = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(logs.toString("UTF-8").lines().filter(l -> l.contains("alert")).findFirst().orElseThrow());
        assertThat(alert.path("alert").asText()).isEqualTo("KLING_ACCOUNT");
        assertThat(alert.path("jobId").asText()).isEqualTo("u-job1");
        assertThat(alert.path("level").asText()).isEqualTo("ERROR");
    }

    @Test
    void submit_should_fail_when_deadlinePassedSinceTheSlotWasTaken() {
        // GIVEN a job whose slot was taken 61 minutes ago and that Kling kept failing (down)
        PipelineFixture f = new PipelineFixture();
        Job job = queued(f);
        f.kling.failCreate(new KlingRetryableException("5000", 500, "internal error", false, null));
        Job waiting = f.submitter.submit(job).job();
        f.clock.advance(Duration.ofMinutes(61));
        // WHEN tried again
        JobSubmitter.Outcome outcome = f.submitter.submit(waiting);
        // THEN it fails with the reason and the last error, without another request
        assertThat(f.kling.creates()).hasSize(1);
        assertThat(outcome.job().status()).isEqualTo(JobStatus.FAILED);
        assertThat(outcome.job().failure().code()).isEqualTo("SUBMIT_DEADLINE");
        assertThat(outcome.job().failure().reason()).contains("60 minutes").contains("5000");
    }

    @Test
    void submit_should_countTheDeadlineFromTheSlot_when_jobWaitedLongInTheQueue() {
        // GIVEN a job admitted three hours ago that only now got a slot
        PipelineFixture f = new PipelineFixture();
        Job job = waiting(f);
        f.clock.advance(Duration.ofHours(3));
        QueueEntry entry = QueueEntry.of(job, 0);
        f.capacity.enqueue(entry);
        f.capacity.take(entry, new SlotHold(job.jobId(), f.clock.instant(), 1, false), 4, null);
        // WHEN submitted THEN waiting for capacity did not use up the outage deadline
        assertThat(f.submitter.submit(job).job().status()).isEqualTo(JobStatus.SUBMITTED);
    }

    @Test
    void submit_should_failInvalidInput_when_imageDeletedMeanwhile() {
        PipelineFixture f = new PipelineFixture(FakeVideoGenerator.official(), ImageTransport.BASE64);
        Job job = queued(f);
        f.media.delete(IMAGE);
        JobSubmitter.Outcome outcome = f.submitter.submit(job);
        assertThat(outcome.job().status()).isEqualTo(JobStatus.FAILED);
        assertThat(outcome.job().failure().code()).isEqualTo("INVALID_INPUT");
        assertThat(f.kling.creates()).isEmpty();
    }
}
