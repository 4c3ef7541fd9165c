package com.klingvideo.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.domain.Caller;
import com.klingvideo.pipeline.entrypoints.CheckStatusHandler;
import com.klingvideo.pipeline.entrypoints.JobsApiHandler;
import com.klingvideo.pipeline.entrypoints.ReaperHandler;
import com.klingvideo.pipeline.entrypoints.SubmitHandler;
import com.klingvideo.pipeline.fakes.PipelineFixture;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.local.RepositoryLayout;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobOrigin;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.S3Location;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file in events/ is a real event its function receives in AWS; each one is run through its
 * handler here (with the domain wired to in-memory fakes), so an event that drifts from the handler's
 * contract fails the build.
 */
class EventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EVENTS = RepositoryLayout.locate().resolve("events");
    private static final String KNOWN_JOB = "u-3f1c0d9a8b7e6f5a4b3c2d1e0f9a8b7c";
    private static final String KNOWN_API_JOB = "a-9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e";

    private final PipelineFixture f = new PipelineFixture();

    private static String event(String name) {
        return EVENTS.resolve(name).toString();
    }

    /** A job Kling has accepted, under the id the sample events use. */
    private void givenSubmittedJob() {
        S3Location image = new S3Location(PipelineFixture.BUCKET, "inputs/red kettle (1).jpg");
        f.media.putObject(image, TestImages.jpeg(640, 480), Map.of());
        f.store.create(Job.builder()
                .jobId(KNOWN_JOB)
                .status(JobStatus.SUBMITTED)
                .origin(JobOrigin.UPLOAD)
                .image(image)
                .parameters(new GenerationParameters("kling-v2-1", "std", "5", "p", "", 0.5, null))
                .klingTaskId("task-1")
                .createdAt(f.clock.instant())
                .submittedAt(f.clock.instant())
                .updatedAt(f.clock.instant())
                .version(1)
                .build());
    }

    @Test
    void everyEventFile_should_beCoveredHere() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "api-create-job.json", "api-get-job.json", "api-list-jobs.json",
                    "check-status-record-failure.json", "check-status.json", "reaper.json", "s3-put.json");
        }
    }

    @Test
    void s3Put_should_admitTheDecodedKey_when_runThroughSubmitHandler() {
        S3Event s3 = EventLoader.loadS3Event(event("s3-put.json"));
        String bucket = s3.getRecords().get(0).getS3().getBucket().getName();
        String version = s3.getRecords().get(0).getS3().getObject().getVersionId();
        f.media.putObject(new S3Location(bucket, "inputs/red kettle (1).jpg", version), TestImages.jpeg(640, 480), Map.of());

        List<String> results = new SubmitHandler(f.intake).handleRequest(s3, null);

        assertThat(results).containsExactly("ADMITTED");
        Job job = f.store.all().get(0);
        assertThat(job.image()).isEqualTo(new S3Location(bucket, "inputs/red kettle (1).jpg", version));
        assertThat(version).isNotBlank();
        // the upload only admits: the job takes the free slot, and its execution will submit it
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(f.kling.creates()).isEmpty();
        assertThat(f.workflow.executions()).containsKey(job.jobId());
    }

    @Test
    void apiCreateJob_should_answer202_when_runThroughJobsApiHandler() throws IOException {
        f.media.putObject(new S3Location(PipelineFixture.BUCKET, "library/red-kettle.jpg"), TestImages.jpeg(800, 600),
                Map.of());
        APIGatewayProxyRequestEvent request = EventLoader.loadApiGatewayRestEvent(event("api-create-job.json"));

        APIGatewayProxyResponseEvent response = new JobsApiHandler(f.api).handleRequest(request, null);

        assertThat(response.getStatusCode()).isEqualTo(202);
        JsonNode job = JSON.readTree(response.getBody());
        assertThat(job.path("idempotencyKey").asText()).isEqualTo("order-1042-hero-shot");
        assertThat(job.path("parameters").path("negativePrompt").asText()).isEqualTo("text, watermark");
        assertThat(job.path("status").asText()).isEqualTo("QUEUED");
        assertThat(job.path("priority").asText()).isEqualTo("normal");
    }

    @Test
    void apiGetJob_should_answerTheJob_when_runThroughJobsApiHandler() throws IOException {
        // GIVEN a job of the event's API key (a caller reads only its own jobs)
        f.store.create(Job.builder()
                .jobId(KNOWN_API_JOB)
                .status(JobStatus.QUEUED)
                .origin(JobOrigin.API)
                .owner(Caller.apiKey("example-api-key-value").id())
                .createdAt(f.clock.instant())
                .version(1)
                .build());
        APIGatewayProxyRequestEvent request = EventLoader.loadApiGatewayRestEvent(event("api-get-job.json"));

        APIGatewayProxyResponseEvent response = new JobsApiHandler(f.api).handleRequest(request, null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.getBody()).path("jobId").asText()).isEqualTo(KNOWN_API_JOB);
    }

    @Test
    void apiListJobs_should_answerAPage_when_runThroughJobsApiHandler() throws IOException {
        givenSubmittedJob();
        APIGatewayProxyRequestEvent request = EventLoader.loadApiGatewayRestEvent(event("api-list-jobs.json"));

        APIGatewayProxyResponseEvent response = new JobsApiHandler(f.api).handleRequest(request, null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.getBody()).path("jobs").isArray()).isTrue();
    }

    @Test
    void checkStatus_should_reportProgress_when_runThroughCheckStatusHandler() throws IOException {
        givenSubmittedJob();
        JsonNode out = runCheckStatus("check-status.json");
        assertThat(out.path("jobId").asText()).isEqualTo(KNOWN_JOB);
        assertThat(out.path("status").asText()).isEqualTo("PROCESSING");
        assertThat(out.path("waitSeconds").asLong()).isPositive();
    }

    @Test
    void checkStatusRecordFailure_should_keepFollowingTheTask_when_runThroughCheckStatusHandler() throws IOException {
        givenSubmittedJob();
        JsonNode out = runCheckStatus("check-status-record-failure.json");
        // Kling holds the task: the failed check is noted and the loop goes on
        assertThat(out.path("status").asText()).isEqualTo("SUBMITTED");
        assertThat(out.path("waitSeconds").asLong()).isPositive();
        assertThat(f.store.get(KNOWN_JOB).failure()).isNull();
        assertThat(f.store.get(KNOWN_JOB).lastError()).contains("timed out");
    }

    @Test
    void reaper_should_reportWhatItRepaired_when_runThroughReaperHandler() throws IOException {
        // GIVEN a submitted job that lost its slot hold (the account's slot is still taken by its task),
        // last changed longer ago than a check can run
        givenSubmittedJob();
        f.clock.advance(java.time.Duration.ofMinutes(7));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ReaperHandler(f.reaper).handleRequest(
                new ByteArrayInputStream(Files.readAllBytes(EVENTS.resolve("reaper.json"))), out, null);
        JsonNode report = JSON.readTree(out.toByteArray());
        assertThat(report.path("adopted").asInt()).isEqualTo(1);
        assertThat(f.capacity.hold(KNOWN_JOB)).isPresent();
    }

    private JsonNode runCheckStatus(String file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CheckStatusHandler(f.checker).handleRequest(
                new ByteArrayInputStream(Files.readAllBytes(EVENTS.resolve(file))), out, null);
        return JSON.readTree(out.toByteArray());
    }
}
