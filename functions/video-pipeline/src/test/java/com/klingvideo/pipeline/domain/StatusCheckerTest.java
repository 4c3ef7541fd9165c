package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.domain.failure.JobNotFoundException;
import com.klingvideo.pipeline.domain.failure.KlingAccountException;
import com.klingvideo.pipeline.domain.failure.KlingException;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import com.klingvideo.pipeline.fakes.FakeVideoGenerator;
import com.klingvideo.pipeline.fakes.PipelineFixture;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.S3Location;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCheckerTest {
    private static final String VIDEO_URL = "https://cdn.kling.example/v/1.mp4?x-sig=a%2Fb&exp=99";

    /** A job Kling accepted, via the real upload path and the first check of the execution it got. */
    private static String submittedJob(PipelineFixture f) {
        S3Location image = new S3Location(PipelineFixture.BUCKET, "inputs/cat.jpg");
        String version = f.media.putObject(image, TestImages.jpeg(640, 480), Map.of());
        f.intake.onObjectCreated(image.bucket(), image.key(), version, "e");
        assertThat(f.runNewExecutions()).hasSize(1);
        Job job = f.store.all().get(0);
        assertThat(job.status()).isEqualTo(JobStatus.SUBMITTED);
        return job.jobId();
    }

    @Test
    void check_should_recordProgressAndBackOff_when_stillProcessing() {
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        f.clock.advance(Duration.ofSeconds(60));
        f.kling.answerQuery(FakeVideoGenerator.task("task-1", KlingTaskStatus.PROCESSING));
        // WHEN checked
        StatusChecker.Step step = f.checker.check(jobId);
        // THEN status, count and time are recorded and the next wait comes from the policy
        assertThat(step.status()).isEqualTo(JobStatus.PROCESSING);
        assertThat(step.pollCount()).isEqualTo(1);
        assertThat(step.waitSeconds()).isEqualTo(10);
        Job stored = f.store.get(jobId);
        assertThat(stored.pollCount()).isEqualTo(1);
        assertThat(stored.lastCheckedAt()).isEqualTo(PipelineFixture.START.plusSeconds(60));
        assertThat(stored.klingStatus()).isEqualTo("processing");
        assertThat(f.kling.queries()).containsExactly("task-1");
    }

    @Test
    void check_should_storeVideoAndSucceed_when_klingSucceeded() {
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        f.media.putRemote(VIDEO_URL, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
        f.clock.advance(Duration.ofSeconds(75));
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", VIDEO_URL));
        // WHEN checked
        StatusChecker.Step step = f.checker.check(jobId);
        // THEN the video is copied from the signed URL exactly as given, and the job records the result
        assertThat(step.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(step.waitSeconds()).isZero();
        assertThat(f.media.copiedFrom()).singleElement().hasToString(VIDEO_URL);
        S3Location stored = new S3Location(PipelineFixture.BUCKET, "outputs/" + jobId + ".mp4");
        assertThat(f.media.object(stored)).get().extracting(o -> o.content().length).isEqualTo(8);
        Job job = f.store.get(jobId);
        assertThat(job.video().storedKey()).isEqualTo("outputs/" + jobId + ".mp4");
        assertThat(job.video().sizeBytes()).isEqualTo(8);
        assertThat(job.video().durationSeconds()).isEqualTo("5.1");
        assertThat(job.video().sourceUrl()).isEqualTo(VIDEO_URL);
        assertThat(job.unitsDeducted()).isEqualTo("1");
        assertThat(job.klingTaskId()).isEqualTo("task-1");
        assertThat(job.completedAt()).isEqualTo(PipelineFixture.START.plusSeconds(75));
    }

    @Test
    void check_should_handTheSlotOnBeforeCopyingTheVideo_when_klingSucceeded() {
        // GIVEN one slot, a job whose task Kling finished, another waiting, and a copy that fails at first
        PipelineFixture f = new PipelineFixture(FakeVideoGenerator.official(), ImageTransport.URL, 1);
        String jobId = submittedJob(f);
        S3Location waiting = new S3Location(PipelineFixture.BUCKET, "inputs/dog.jpg");
        f.intake.onObjectCreated(waiting.bucket(), waiting.key(),
                f.media.putObject(waiting, TestImages.jpeg(640, 480), Map.of()), "e");
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", VIDEO_URL));
        // WHEN checked, with the video not downloadable yet
        assertThat(f.checker.check(jobId).waitSeconds()).isPositive();
        // THEN the slot already went to the waiting job; the retry stores the video
        assertThat(f.capacity.holds()).extracting(SlotHold::jobId).doesNotContain(jobId).hasSize(1);
        f.media.putRemote(VIDEO_URL, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", VIDEO_URL));
        assertThat(f.checker.check(jobId).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(f.capacity.ledger().inUse()).isEqualTo(1);
    }

    @Test
    void check_should_passTheSlotOnAtOnce_when_theJobThatGotItHadEndedWhileWaiting() {
        // GIVEN one slot taken, and two jobs waiting, the first of which ended meanwhile (without a slot)
        PipelineFixture f = new PipelineFixture(FakeVideoGenerator.official(), ImageTransport.URL, 1);
        String running = submittedJob(f);
        List<String> waiting = new java.util.ArrayList<>();
        for (String name : List.of("inputs/ended.jpg", "inputs/next.jpg")) {
            S3Location image = new S3Location(PipelineFixture.BUCKET, name);
            f.intake.onObjectCreated(image.bucket(), image.key(),
                    f.media.putObject(image, TestImages.jpeg(640, 480), Map.of()), "e");
            f.clock.advance(Duration.ofSeconds(1));
            waiting.add(f.capacity.queuedJobIds().get(f.capacity.queuedJobIds().size() - 1));
        }
        Job ended = f.store.get(waiting.get(0));
        f.store.update(ended.toBuilder().status(JobStatus.FAILED).build());
        // WHEN the running task ends: the slot goes to the ended job's entry, whose check finds it ended
        f.media.putRemote(VIDEO_URL, new byte[] {1});
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", VIDEO_URL));
        f.checker.check(running);
        f.runNewExecutions();
        // THEN the slot is passed on to the next job, and the ended one never reached Kling
        assertThat(f.capacity.holds()).extracting(SlotHold::jobId).containsExactly(waiting.get(1));
        assertThat(f.kling.creates()).extracting(VideoRequest::externalTaskId).doesNotContain(waiting.get(0));
    }

    @Test
    void check_should_failWithKlingReason_when_taskFailed() {
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        f.kling.answerQuery(FakeVideoGenerator.failed("task-1", "Image pixel is invalid"));
        StatusChecker.Step step = f.checker.check(jobId);
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        Job job = f.store.get(jobId);
        assertThat(job.failure().code()).isEqualTo("KLING_TASK_FAILED");
        assertThat(job.failure().reason()).isEqualTo("Image pixel is invalid");
    }

    @Test
    void check_should_giveUp_when_pollLimitReached() {
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        f.clock.advance(Duration.ofMinutes(60));
        StatusChecker.Step step = f.checker.check(jobId);
        assertThat(step.status()).isEqualTo(JobStatus.TIMED_OUT);
        Job job = f.store.get(jobId);
        assertThat(job.failure().code()).isEqualTo("POLL_LIMIT");
        assertThat(job.failure().reason()).contains("60 minutes").contains("task-1");
    }

    @Test
    void check_should_keepWaitingAndBackOff_when_statusChecksFailForTenMinutes() {
        // GIVEN a job Kling accepted (and charges for), and a status outage of ten minutes
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        f.clock.advance(Duration.ofSeconds(60));
        java.time.Instant outageEnds = f.clock.instant().plus(Duration.ofMinutes(10));
        List<Long> waits = new java.util.ArrayList<>();
        List<KlingException> failures = List.of(
                new KlingRetryableException("5001", 503, "maintenance", false, null),
                new KlingRetryableException("timeout", 0, "no answer", false, null),
                new KlingRejectedException("1000", 401, "auth failed"),
                new KlingAccountException("1101", 429, "arrears"));
        int turn = 0;
        // WHEN every check fails during the outage
        while (f.clock.instant().isBefore(outageEnds)) {
            f.kling.failQuery(failures.get(turn++ % failures.size()));
            StatusChecker.Step step = f.checker.check(jobId);
            // THEN the job keeps waiting, backing off, with the error on the record
            assertThat(step.status()).isEqualTo(JobStatus.SUBMITTED);
            assertThat(step.inQueue()).isFalse();
            assertThat(step.waitSeconds()).isPositive();
            assertThat(f.store.get(jobId).lastError()).isNotBlank();
            waits.add(step.waitSeconds());
            f.clock.advance(Duration.ofSeconds(step.waitSeconds()));
        }
        assertThat(waits).isSorted();
        assertThat(waits.get(waits.size() - 1)).isEqualTo(PollPolicy.DEFAULT_MAX_INTERVAL.toSeconds());
        assertThat(f.capacity.holds()).extracting(SlotHold::jobId).containsExactly(jobId);
        // AND once Kling answers again the video is stored: one task, one success
        f.media.putRemote(VIDEO_URL, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", VIDEO_URL));
        assertThat(f.checker.check(jobId).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(f.kling.creates()).hasSize(1);
        assertThat(f.store.get(jobId).lastError()).isNull();
    }

    @Test
    void check_should_timeOutWithTheLastError_when_statusChecksFailUntilThePollLimit() {
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        StatusChecker.Step step;
        do {
            f.kling.failQuery(new KlingRetryableException("5000", 500, "server error", false, null));
            step = f.checker.check(jobId);
            f.clock.advance(Duration.ofSeconds(Math.max(1, step.waitSeconds())));
        } while (!step.status().isTerminal());
        Job job = f.store.get(jobId);
        assertThat(job.status()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(job.failure().code()).isEqualTo("POLL_LIMIT");
        assertThat(job.failure().reason()).contains("60 minutes").contains("task-1").contains("5000");
        assertThat(f.capacity.holds()).isEmpty();
    }

    @Test
    void check_should_keepWaitingAndCopyLater_when_videoCopyFails() {
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        f.media.putRemote(VIDEO_URL, new byte[] {1});
        f.media.failRemote(1);
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", VIDEO_URL));
        StatusChecker.Step step = f.checker.check(jobId);
        assertThat(step.status()).isNotIn(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.TIMED_OUT);
        assertThat(step.waitSeconds()).isPositive();
        assertThat(f.store.get(jobId).lastError()).contains("could not be copied").doesNotContain("x-sig");
        // WHEN the loop checks again after the wait THEN the copy succeeds
        f.clock.advance(Duration.ofSeconds(step.waitSeconds()));
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", VIDEO_URL));
        assertThat(f.checker.check(jobId).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void check_should_failVideoTooLarge_when_klingsVideoIsOverTheCopyLimit() {
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        f.media.putRemote(VIDEO_URL, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
        f.media.failRemoteTooLarge();
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", VIDEO_URL));
        StatusChecker.Step step = f.checker.check(jobId);
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        assertThat(f.store.get(jobId).failure().code()).isEqualTo("VIDEO_TOO_LARGE");
        assertThat(f.capacity.holds()).isEmpty();
    }

    @Test
    void check_should_submitAgainInTheSameExecution_when_klingWasDownAtTheFirstAttempt() {
        // GIVEN a job whose first create met a Kling server error (5000: nothing was created)
        PipelineFixture f = new PipelineFixture();
        f.kling.failCreate(new KlingRetryableException("5000", 500, "server error", false, null));
        S3Location image = new S3Location(PipelineFixture.BUCKET, "inputs/cat.jpg");
        String version = f.media.putObject(image, TestImages.jpeg(640, 480), Map.of());
        f.intake.onObjectCreated(image.bucket(), image.key(), version, "e");
        String jobId = f.store.all().get(0).jobId();
        StatusChecker.Step first = f.checker.check(jobId);
        assertThat(first.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(first.inQueue()).as("an outage keeps the slot and the execution").isFalse();
        assertThat(first.waitSeconds()).isPositive();
        // WHEN the loop checks it after the wait
        f.clock.advance(Duration.ofSeconds(first.waitSeconds()));
        StatusChecker.Step step = f.checker.check(jobId);
        // THEN it is submitted again and accepted, still holding the same slot
        assertThat(step.status()).isEqualTo(JobStatus.SUBMITTED);
        assertThat(f.kling.creates()).hasSize(2);
        assertThat(f.capacity.holds()).extracting(SlotHold::jobId).containsExactly(jobId);
    }

    @Test
    void check_should_returnUnchanged_when_jobFinal() {
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        f.kling.answerQuery(FakeVideoGenerator.failed("task-1", "bad"));
        f.checker.check(jobId);
        int writes = f.store.writes().size();
        StatusChecker.Step again = f.checker.check(jobId);
        assertThat(again.status()).isEqualTo(JobStatus.FAILED);
        assertThat(f.store.writes()).hasSize(writes);
        assertThat(f.kling.queries()).hasSize(1);
    }

    @Test
    void recordFailure_should_keepFollowingTheTask_when_klingHoldsIt() {
        // GIVEN a job Kling accepted, whose check kept failing in an unexpected way (a Lambda timeout)
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        // WHEN the state machine records the failure
        StatusChecker.Step step = f.checker.recordFailure(jobId, "States.Timeout",
                "arn:aws:lambda:eu-west-1:123456789012:function:check timed out");
        // THEN the job is not failed: Kling charges for the task, so the loop goes on, backing off
        assertThat(step.status()).isEqualTo(JobStatus.SUBMITTED);
        assertThat(step.waitSeconds()).isPositive();
        assertThat(step.pollCount()).isEqualTo(1);
        Job job = f.store.get(jobId);
        assertThat(job.failure()).isNull();
        assertThat(job.lastError()).contains("timed out").doesNotContain("arn:aws");
        assertThat(f.capacity.holds()).extracting(SlotHold::jobId).containsExactly(jobId);
        // AND the next check finds the video
        f.media.putRemote(VIDEO_URL, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", VIDEO_URL));
        assertThat(f.checker.check(jobId).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void recordFailure_should_timeOut_when_thePollLimitHasPassed() {
        PipelineFixture f = new PipelineFixture();
        String jobId = submittedJob(f);
        f.clock.advance(Duration.ofMinutes(61));
        StatusChecker.Step step = f.checker.recordFailure(jobId, "States.Timeout", null);
        assertThat(step.status()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(f.store.get(jobId).failure().code()).isEqualTo("POLL_LIMIT");
        assertThat(f.capacity.holds()).isEmpty();
    }

    @Test
    void recordFailure_should_keepTrying_when_aCreateMayHaveReachedKling() {
        // GIVEN a job whose create timed out (the task may exist)
        PipelineFixture f = new PipelineFixture();
        f.kling.failCreateAfterAccepting(new KlingRetryableException("timeout", 0, "no answer", true, null));
        S3Location image = new S3Location(PipelineFixture.BUCKET, "inputs/cat.jpg");
        f.intake.onObjectCreated(image.bucket(), image.key(),
                f.media.putObject(image, TestImages.jpeg(640, 480), Map.of()), "e");
        String jobId = f.store.all().get(0).jobId();
        f.runNewExecutions();
        assertThat(f.store.get(jobId).submitUnconfirmed()).isTrue();
        // WHEN the next check fails unexpectedly and the failure is recorded
        StatusChecker.Step step = f.checker.recordFailure(jobId, "States.Timeout", null);
        // THEN the job keeps its slot and the loop goes on; the next check finds the task
        assertThat(step.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(step.inQueue()).isFalse();
        assertThat(step.waitSeconds()).isPositive();
        f.clock.advance(Duration.ofSeconds(step.waitSeconds()));
        assertThat(f.checker.check(jobId).status()).isEqualTo(JobStatus.SUBMITTED);
        assertThat(f.kling.creates()).hasSize(1);
    }

    @Test
    void recordFailure_should_failTheJob_when_nothingReachedKling() {
        PipelineFixture f = new PipelineFixture();
        f.kling.failCreate(new KlingRetryableException("5000", 500, "server error", false, null));
        S3Location image = new S3Location(PipelineFixture.BUCKET, "inputs/cat.jpg");
        f.intake.onObjectCreated(image.bucket(), image.key(),
                f.media.putObject(image, TestImages.jpeg(640, 480), Map.of()), "e");
        String jobId = f.store.all().get(0).jobId();
        f.runNewExecutions();
        StatusChecker.Step step = f.checker.recordFailure(jobId, "java.lang.IllegalStateException", "boom");
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        Job job = f.store.get(jobId);
        assertThat(job.failure().code()).isEqualTo("STATUS_CHECK_ERROR");
        assertThat(job.failure().reason()).contains("an internal error").doesNotContain("boom")
                .doesNotContain("IllegalStateException");
        assertThat(f.capacity.holds()).isEmpty();
    }

    @Test
    void check_should_throwNotFound_when_noSuchJob() {
        PipelineFixture f = new PipelineFixture();
        assertThatThrownBy(() -> f.checker.check("nope")).isInstanceOf(JobNotFoundException.class);
    }
}
