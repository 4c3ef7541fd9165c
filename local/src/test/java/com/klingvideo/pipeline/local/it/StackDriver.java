package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.aws.DynamoDbCapacityStore;
import com.klingvideo.pipeline.aws.DynamoDbJobStore;
import com.klingvideo.pipeline.domain.JobIds;
import com.klingvideo.pipeline.local.LocalStack;
import com.klingvideo.pipeline.local.api.SigV4Requests;
import com.klingvideo.pipeline.local.lambda.InvocationResult;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.Picture;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** What the end-to-end tests do to a running local stack, through the real AWS SDK clients. */
final class StackDriver {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<JobStatus> FINAL = EnumSet.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.TIMED_OUT);

    final LocalStack stack;
    final LocalStack.Endpoints endpoints;
    final DynamoDbJobStore jobs;

    StackDriver(LocalStack stack) {
        this.stack = stack;
        this.endpoints = stack.endpoints();
        this.jobs = new DynamoDbJobStore(stack.dynamoDb(), endpoints.table());
    }

    /** Uploads an image under the input prefix; returns the id its job will have. */
    String upload(String name, byte[] image, Map<String, String> metadata) {
        String key = endpoints.inputPrefix() + name;
        PutObjectResponse put = stack.s3().putObject(b -> b.bucket(endpoints.bucket()).key(key).metadata(metadata),
                RequestBody.fromBytes(image));
        return JobIds.forObject(endpoints.bucket(), key, put.versionId(), put.eTag());
    }

    void putObject(String key, byte[] content) {
        stack.s3().putObject(b -> b.bucket(endpoints.bucket()).key(key), RequestBody.fromBytes(content));
    }

    Optional<Job> job(String jobId) {
        return jobs.find(jobId);
    }

    /** Waits until the job is in one of {@code statuses}; fails with the job's last state otherwise. */
    Job await(String jobId, Duration timeout, Set<JobStatus> statuses) {
        Instant deadline = Instant.now().plus(timeout);
        Optional<Job> job = Optional.empty();
        while (Instant.now().isBefore(deadline)) {
            job = jobs.find(jobId);
            if (job.isPresent() && statuses.contains(job.get().status())) {
                return job.get();
            }
            sleep(250);
        }
        throw new AssertionError("job " + jobId + " did not reach " + statuses + " within " + timeout + "; last: "
                + job.map(Object::toString).orElse("not admitted"));
    }

    Job awaitFinal(String jobId) {
        return await(jobId, Duration.ofSeconds(90), FINAL);
    }

    /** Downloads the job's stored video and checks it is a real, decodable H.264 MP4. */
    Path assertPlayableVideo(Job job, Path dir) throws IOException {
        assertThat(job.video()).as("video of %s", job.jobId()).isNotNull();
        assertThat(job.video().storedKey()).startsWith(endpoints.outputPrefix());
        Path file = dir.resolve(job.jobId() + ".mp4");
        Files.deleteIfExists(file);
        stack.s3().getObject(b -> b.bucket(endpoints.bucket()).key(job.video().storedKey()), file);
        assertThat(Files.size(file)).isEqualTo(job.video().sizeBytes()).isPositive();
        byte[] head = Files.readAllBytes(file);
        assertThat(new String(head, 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        try (var channel = NIOUtils.readableChannel(file.toFile())) {
            Picture frame = FrameGrab.createFrameGrab(channel).getNativeFrame();
            assertThat(frame).as("first decoded frame").isNotNull();
            assertThat(frame.getWidth()).isPositive();
        } catch (org.jcodec.api.JCodecException e) {
            throw new AssertionError("not a decodable video: " + e.getMessage(), e);
        }
        return file;
    }

    /** Create requests the simulator received for this job (its external_task_id). */
    List<JsonNode> createsFor(String jobId) {
        return stack.simulator().receivedCreates().stream()
                .filter(c -> jobId.equals(c.path("external_task_id").asText()))
                .toList();
    }

    /** Executions of the state machine that followed this job: named after it, or {@code <jobId>-<n>}. */
    long executionsFor(String jobId) {
        return stack.stepFunctions().listExecutionsPaginator(b -> b.stateMachineArn(endpoints.stateMachineArn()))
                .executions().stream().filter(e -> e.name().equals(jobId) || e.name().startsWith(jobId + "-")).count();
    }

    /** The slot ledger and queue, read through the functions' own adapter. */
    DynamoDbCapacityStore capacity() {
        return new DynamoDbCapacityStore(stack.dynamoDb(), endpoints.capacityTable());
    }

    /** {@code GET} on the local API with the stack's API key; the body as JSON. */
    JsonNode apiGet(String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(endpoints.apiUrl() + path))
                .header("x-api-key", endpoints.apiKey()).GET().build());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return json(response.body());
    }

    /** {@code POST} on the local API with the stack's API key. */
    HttpResponse<String> apiPost(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(endpoints.apiUrl() + path))
                .header("x-api-key", endpoints.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** {@code POST} to an operator route, signed with the local stack's IAM credentials (SigV4). */
    HttpResponse<String> adminPost(String path, String body) {
        return send(SigV4Requests.post(URI.create(endpoints.apiUrl() + path), body, endpoints.accessKeyId(),
                endpoints.secretAccessKey(), endpoints.region(), Instant.now()));
    }

    /** Runs the reaper once, as its schedule does; its report as JSON. */
    JsonNode runReaper() {
        InvocationResult result = stack.lambdaHost().invoke("ReaperFunction", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(result.failed()).as("reaper run: %s", new String(result.payload(), StandardCharsets.UTF_8)).isFalse();
        return json(new String(result.payload(), StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
