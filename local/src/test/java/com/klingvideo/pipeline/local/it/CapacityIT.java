package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.domain.SlotHold;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.local.kling.KlingSimulator;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The slot governor on the local stack: an account limit of two parallel tasks, tasks of 3 s, uploads
 * and API calls through the real SDK and HTTP, the reaper invoked as its schedule would.
 */
class CapacityIT {
    private static final int LIMIT = 2;

    @RegisterExtension
    static final LocalStackExtension LOCAL = new LocalStackExtension(state -> LocalStackOptions.forTests(state)
            .withSimulator(KlingDialect.OFFICIAL, Duration.ofSeconds(3), LIMIT));

    @Test
    void burst_should_neverExceedTheLimit_reuseEachFreedSlotAtOnce_and_succeedEveryJob() {
        // GIVEN seven images uploaded at once against an account that runs two tasks at a time
        long refusedBefore = LOCAL.stack().simulator().counters().createsRejected("1303");
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            jobs.add(LOCAL.driver().upload("burst-" + i + ".jpg", TestImages.jpeg(640, 480 + i), Map.of()));
        }
        for (String upload : jobs) {
            LOCAL.driver().await(upload, Duration.ofSeconds(20), java.util.EnumSet.allOf(JobStatus.class));
        }
        // and an eighth job posted to the API behind them: its caller sees it wait with a place and an ETA
        // (uploads belong to no API caller)
        jobs.add(apiJob("burst-7"));
        JsonNode waiting = LOCAL.driver().apiGet("/jobs/" + jobs.get(7));
        assertThat(waiting.path("status").asText()).isEqualTo("QUEUED");
        assertThat(waiting.path("queue").path("jobsAhead").asLong()).isPositive();
        assertThat(waiting.path("queue").path("etaSeconds").asLong()).isPositive();
        JsonNode capacity = LOCAL.driver().apiGet("/capacity");
        assertThat(capacity.path("slotsInUse").asInt()).isEqualTo(LIMIT);
        assertThat(capacity.path("queued").asLong()).isPositive();

        // WHEN the pipeline runs
        List<Job> done = jobs.stream().map(id -> LOCAL.driver().await(id, Duration.ofSeconds(120), StackDriver.FINAL))
                .toList();

        // THEN every job succeeded with one Kling task, none was refused for concurrency
        assertThat(done).allSatisfy(job -> assertThat(job.status()).as(job.jobId()).isEqualTo(JobStatus.SUCCEEDED));
        jobs.forEach(id -> assertThat(LOCAL.driver().createsFor(id)).as(id).hasSize(1));
        assertThat(LOCAL.stack().simulator().counters().createsRejected("1303") - refusedBefore).isZero();
        assertThat(LOCAL.stack().simulator().counters().peakConcurrentTasks()).isLessThanOrEqualTo(LIMIT);
        // AND each task after the first two started within seconds of a slot freeing at Kling
        List<KlingSimulator.TaskTimes> tasks = LOCAL.stack().simulator().taskTimes().stream()
                .filter(t -> jobs.contains(t.externalTaskId()))
                .sorted(Comparator.comparing(KlingSimulator.TaskTimes::createdAt)).toList();
        for (int k = LIMIT; k < tasks.size(); k++) {
            Instant created = tasks.get(k).createdAt();
            Instant freed = tasks.subList(0, k).stream().map(KlingSimulator.TaskTimes::endsAt)
                    .filter(end -> !end.isAfter(created)).max(Comparator.naturalOrder()).orElseThrow();
            assertThat(Duration.between(freed, created)).as("hand-off to task %d", k).isLessThan(Duration.ofSeconds(4));
        }
        // AND the ledger is empty again: every slot was given back once
        assertThat(LOCAL.driver().capacity().ledger().inUse()).isZero();
        assertThat(LOCAL.driver().capacity().holds()).isEmpty();
    }

    @Test
    void reaper_should_giveBackASlotThatAnEndedJobStillHolds() {
        // GIVEN a job that succeeded, and a hold left behind for it (a release that never happened)
        String jobId = LOCAL.driver().upload("leak.jpg", TestImages.jpeg(640, 480), Map.of());
        assertThat(LOCAL.driver().awaitFinal(jobId).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(LOCAL.driver().capacity().adopt(new SlotHold(jobId, Instant.now(), 1, false))).isTrue();
        assertThat(LOCAL.driver().capacity().ledger().inUse()).isEqualTo(1);

        // WHEN the reaper runs
        JsonNode report = LOCAL.driver().runReaper();

        // THEN the slot is free again
        assertThat(report.path("released").asInt()).isEqualTo(1);
        assertThat(LOCAL.driver().capacity().hold(jobId)).isEmpty();
        assertThat(LOCAL.driver().capacity().ledger().inUse()).isZero();
    }

    @Test
    void orphanedApiJobs_should_beFollowedAgain_byARepeatedRequestAndByTheReaper() {
        // GIVEN two API jobs whose executions stopped while Kling ran their tasks
        String first = apiJob("orphan-1");
        String second = apiJob("orphan-2");
        for (String jobId : List.of(first, second)) {
            LOCAL.driver().await(jobId, Duration.ofSeconds(30), java.util.EnumSet.of(JobStatus.SUBMITTED,
                    JobStatus.PROCESSING));
            String arn = LOCAL.stack().endpoints().stateMachineArn().replace(":stateMachine:", ":execution:") + ":" + jobId;
            LOCAL.stack().stepFunctions().stopExecution(b -> b.executionArn(arn).error("Test").cause("orphaned"));
            // moto stops an execution when its current Wait ends (AWS at once): wait for the stop to land
            for (int i = 0; i < 100 && LOCAL.stack().stepFunctions().describeExecution(b -> b.executionArn(arn))
                    .status() == ExecutionStatus.RUNNING; i++) {
                StackDriver.sleep(200);
            }
        }

        // WHEN the caller repeats the first request with the same idempotency key, and the reaper runs
        assertThat(LOCAL.driver().apiPost("/jobs", body("orphan-1")).statusCode()).isEqualTo(200);
        JsonNode report = LOCAL.driver().runReaper();

        // THEN both are followed by a new execution to the end, each with its one Kling task
        assertThat(report.path("restarted").asInt()).isEqualTo(1);
        for (String jobId : List.of(first, second)) {
            assertThat(LOCAL.driver().await(jobId, Duration.ofSeconds(60), StackDriver.FINAL).status())
                    .as(jobId).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(LOCAL.driver().createsFor(jobId)).hasSize(1);
            assertThat(LOCAL.driver().executionsFor(jobId)).isEqualTo(2);
        }
    }

    private static String apiJob(String key) {
        var response = LOCAL.driver().apiPost("/jobs", body(key));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return StackDriver.json(response.body()).path("jobId").asText();
    }

    private static String body(String key) {
        return "{\"image\":{\"base64\":\"" + java.util.Base64.getEncoder().encodeToString(TestImages.jpeg(640, 480))
                + "\"},\"prompt\":\"A kettle\",\"idempotencyKey\":\"" + key + "\"}";
    }
}
