package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.aws.DynamoDbJobStore;
import com.klingvideo.pipeline.domain.JobIds;
import com.klingvideo.pipeline.local.LocalStack;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.io.IOException;
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

    /** Executions of the state machine named after this job. */
    long executionsFor(String jobId) {
        return stack.stepFunctions().listExecutionsPaginator(b -> b.stateMachineArn(endpoints.stateMachineArn()))
                .executions().stream().filter(e -> e.name().equals(jobId)).count();
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
