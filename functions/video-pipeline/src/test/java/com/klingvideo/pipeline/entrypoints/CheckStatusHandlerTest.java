package com.klingvideo.pipeline.entrypoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.domain.failure.JobNotFoundException;
import com.klingvideo.pipeline.fakes.FakeVideoGenerator;
import com.klingvideo.pipeline.fakes.PipelineFixture;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.model.S3Location;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckStatusHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PipelineFixture f = new PipelineFixture();

    private String submittedJob() {
        S3Location image = new S3Location(PipelineFixture.BUCKET, "inputs/cat.jpg");
        String version = f.media.putObject(image, TestImages.jpeg(640, 480), Map.of());
        f.intake.onObjectCreated(image.bucket(), image.key(), version, "e");
        f.runNewExecutions();
        return f.store.all().get(0).jobId();
    }

    private JsonNode invoke(String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CheckStatusHandler(f.checker).handleRequest(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void handleRequest_should_returnStatusAndNextWait_when_stillProcessing() throws IOException {
        String jobId = submittedJob();
        JsonNode out = invoke("{\"jobId\":\"" + jobId + "\",\"waitSeconds\":60}");
        assertThat(out.path("jobId").asText()).isEqualTo(jobId);
        assertThat(out.path("status").asText()).isEqualTo("PROCESSING");
        assertThat(out.path("waitSeconds").asLong()).isEqualTo(10);
        assertThat(out.path("pollCount").asInt()).isEqualTo(1);
        assertThat(out.path("inQueue").asBoolean()).isFalse();
    }

    @Test
    void handleRequest_should_sayInQueue_when_klingSaysTheAccountIsFull() throws IOException {
        // GIVEN a job that got a slot, and Kling answering 1303 (another client took the slot)
        f.kling.failCreate(new com.klingvideo.pipeline.domain.failure.KlingRetryableException("1303", 429, "full", false, null));
        S3Location image = new S3Location(PipelineFixture.BUCKET, "inputs/cat.jpg");
        String version = f.media.putObject(image, TestImages.jpeg(640, 480), Map.of());
        f.intake.onObjectCreated(image.bucket(), image.key(), version, "e");
        String jobId = f.store.all().get(0).jobId();
        // WHEN its execution checks it
        JsonNode out = invoke("{\"jobId\":\"" + jobId + "\"}");
        // THEN the "Video Ready?" choice is told to end this execution: the job waits in the queue
        assertThat(out.path("status").asText()).isEqualTo("QUEUED");
        assertThat(out.path("inQueue").asBoolean()).isTrue();
        assertThat(out.path("waitSeconds").asLong()).isZero();
    }

    @Test
    void handleRequest_should_keepTheLoopGoing_when_anErrorIsRecordedForATaskKlingHolds() throws IOException {
        String jobId = submittedJob();
        JsonNode out = invoke("{\"jobId\":\"" + jobId + "\",\"error\":{\"Error\":\"States.Timeout\",\"Cause\":\"slow\"}}");
        // the "Video Ready?" choice sends a live job back to "Wait For Video"
        assertThat(out.path("status").asText()).isEqualTo("SUBMITTED");
        assertThat(out.path("inQueue").asBoolean()).isFalse();
        assertThat(out.path("waitSeconds").asLong()).isPositive();
        assertThat(f.store.get(jobId).lastError()).contains("timed out").doesNotContain("slow");
        assertThat(f.kling.queries()).isEmpty();
    }

    @Test
    void handleRequest_should_reportSucceeded_when_videoStored() throws IOException {
        String jobId = submittedJob();
        f.media.putRemote("https://cdn.example/v.mp4?sig=1", new byte[] {1});
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", "https://cdn.example/v.mp4?sig=1"));
        assertThat(invoke("{\"jobId\":\"" + jobId + "\"}").path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void handleRequest_should_reject_when_jobIdMissing() {
        assertThatThrownBy(() -> invoke("{\"waitSeconds\":1}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jobId");
    }

    @Test
    void handleRequest_should_throwNotFound_when_unknownJob() {
        assertThatThrownBy(() -> invoke("{\"jobId\":\"u-none\"}")).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void cause_should_keepTheErrorMessage_when_causeIsLambdaErrorJson() {
        assertThat(CheckStatusHandler.cause("{\"errorMessage\":\"Kling 5001: maintenance\",\"errorType\":\"X\"}"))
                .isEqualTo("Kling 5001: maintenance");
        assertThat(CheckStatusHandler.cause("plain text")).isEqualTo("plain text");
        assertThat(CheckStatusHandler.cause("{not json")).isEqualTo("{not json");
    }
}
