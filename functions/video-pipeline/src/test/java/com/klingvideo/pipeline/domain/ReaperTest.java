package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.fakes.FakeVideoGenerator;
import com.klingvideo.pipeline.fakes.PipelineFixture;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.S3Location;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReaperTest {
    private final PipelineFixture f = new PipelineFixture(FakeVideoGenerator.official(), ImageTransport.URL, 2);

    private String upload(String name) {
        S3Location image = new S3Location(PipelineFixture.BUCKET, "inputs/" + name);
        String version = f.media.putObject(image, TestImages.jpeg(640, 480), Map.of());
        f.intake.onObjectCreated(image.bucket(), image.key(), version, "e");
        f.clock.advance(Duration.ofSeconds(1));
        return f.store.all().stream().filter(j -> j.image().latest().equals(image)).findFirst().orElseThrow().jobId();
    }

    @Test
    void run_should_changeNothing_when_everythingIsInOrder() {
        upload("a.jpg");
        upload("b.jpg");
        upload("c.jpg");
        f.runNewExecutions();
        Reaper.Report report = f.reaper.run();
        assertThat(report).isEqualTo(new Reaper.Report(0, 0, 0, 0, 0, false, 0, 0));
    }

    @Test
    void run_should_releaseTheSlotAndStartTheNextJob_when_aJobEndedWithoutGivingItsSlotBack() {
        // GIVEN both slots taken, one job waiting, and a job that ended while its release was lost
        String a = upload("a.jpg");
        upload("b.jpg");
        String c = upload("c.jpg");
        Job ended = f.store.get(a);
        f.store.update(ended.toBuilder().status(JobStatus.SUCCEEDED).build());
        // WHEN the reaper runs
        Reaper.Report report = f.reaper.run();
        // THEN the leaked slot is freed and handed to the waiting job
        assertThat(report.released()).isEqualTo(1);
        assertThat(f.capacity.hold(a)).isEmpty();
        assertThat(f.capacity.hold(c)).isPresent();
        assertThat(f.workflow.running()).contains(c);
    }

    @Test
    void run_should_startTheExecution_when_aJobHoldsASlotThatNothingFollows() {
        // GIVEN a job whose StartExecution failed after it got its slot
        f.workflow.failNextStart(new IllegalStateException("throttled"));
        String a = upload("a.jpg");
        assertThat(f.workflow.running()).isEmpty();
        // WHEN the reaper runs THEN its execution runs, and submitting it creates one task
        assertThat(f.reaper.run().restarted()).isEqualTo(1);
        assertThat(f.workflow.running()).containsExactly(a);
        f.runNewExecutions();
        assertThat(f.kling.creates()).hasSize(1);
        assertThat(f.store.get(a).status()).isEqualTo(JobStatus.SUBMITTED);
    }

    @Test
    void run_should_followAgainUnderANewName_when_theExecutionStoppedEarly() {
        String a = upload("a.jpg");
        f.runNewExecutions();
        f.workflow.end(a);
        assertThat(f.reaper.run().restarted()).isEqualTo(1);
        assertThat(f.workflow.running()).containsExactly(a + "-2");
    }

    @Test
    void run_should_putAnOrphanBackInTheQueue_when_aQueuedJobWasNeitherQueuedNorHolding() {
        // GIVEN a queued job whose queue entry was lost (both slots taken by others)
        upload("a.jpg");
        upload("b.jpg");
        String c = upload("c.jpg");
        f.capacity.remove(f.capacity.head().orElseThrow());
        assertThat(f.capacity.queueLength()).isZero();
        // WHEN the reaper runs THEN it waits in the queue again, in its place
        assertThat(f.reaper.run().requeued()).isEqualTo(1);
        assertThat(f.capacity.queuedJobIds()).containsExactly(c);
    }

    @Test
    void run_should_giveASlotBackToARunningTask_when_itsHoldWasLost() {
        // GIVEN a job Kling runs whose hold disappeared (the ledger now counts one slot too few)
        String a = upload("a.jpg");
        f.runNewExecutions();
        f.capacity.release(a, Release.done());
        f.workflow.end(a);
        // WHEN the reaper runs while the job's check might still be storing its video THEN it waits
        assertThat(f.reaper.run().adopted()).isZero();
        // WHEN it runs after that THEN the task's slot is counted again and the job is followed
        f.clock.advance(Duration.ofMinutes(7));
        assertThat(f.reaper.run().adopted()).isEqualTo(1);
        assertThat(f.capacity.hold(a)).isPresent();
        assertThat(f.capacity.ledger().inUse()).isEqualTo(1);
        assertThat(f.workflow.running()).containsExactly(a + "-2");
    }

    @Test
    void run_should_failQueueExpired_when_aJobWaitedTooLong() {
        upload("a.jpg");
        upload("b.jpg");
        String c = upload("c.jpg");
        f.clock.advance(Duration.ofHours(25));
        Reaper.Report report = f.reaper.run();
        assertThat(report.expired()).isEqualTo(1);
        assertThat(f.store.get(c).failure().code()).isEqualTo("QUEUE_EXPIRED");
        assertThat(f.capacity.queueLength()).isZero();
    }

    @Test
    void run_should_correctTheCount_when_theLedgerDisagreesWithTheHolds() {
        upload("a.jpg");
        f.runNewExecutions();
        f.capacity.setLedger(new Ledger(2, null, null, null, null));
        assertThat(f.reaper.run().recounted()).isTrue();
        assertThat(f.capacity.ledger().inUse()).isEqualTo(1);
    }

    @Test
    void run_should_raiseAnAlert_when_aJobIsPastItsLimits() throws Exception {
        // GIVEN a job holding a slot for longer than the submit deadline and the poll limit allow
        String a = upload("a.jpg");
        f.runNewExecutions();
        f.clock.advance(Duration.ofMinutes(60 + 60 + 11));
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        JsonLog.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8));
        Reaper.Report report;
        try {
            report = f.reaper.run();
        } finally {
            JsonLog.redirect(System.out);
        }
        assertThat(report.overdue()).isEqualTo(1);
        // the template's metric filter { $.alert = "JOB_OVERDUE" } counts this line
        List<JsonNode> alerts = logs.toString(StandardCharsets.UTF_8).lines().map(ReaperTest::json)
                .filter(l -> "JOB_OVERDUE".equals(l.path("alert").asText())).toList();
        assertThat(alerts).singleElement().satisfies(l -> assertThat(l.path("jobId").asText()).isEqualTo(a));
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
