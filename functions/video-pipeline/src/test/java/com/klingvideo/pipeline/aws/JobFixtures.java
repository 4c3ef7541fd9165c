package com.klingvideo.pipeline.aws;

import com.klingvideo.pipeline.model.Failure;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobOrigin;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.Priority;
import com.klingvideo.pipeline.model.S3Location;
import com.klingvideo.pipeline.model.VideoResult;
import java.time.Instant;
import java.util.List;

/** Jobs for the store tests; instants have millisecond precision, as the table keeps them. */
final class JobFixtures {

    private JobFixtures() {
    }

    /** Only what every job has. */
    static Job minimal(String jobId) {
        return Job.builder()
                .jobId(jobId)
                .status(JobStatus.QUEUED)
                .origin(JobOrigin.UPLOAD)
                .createdAt(Instant.parse("2025-03-04T05:06:07.008Z"))
                .build();
    }

    /** Every field set to a value that differs from its default. */
    static Job fullyPopulated(String jobId) {
        return Job.builder()
                .jobId(jobId)
                .status(JobStatus.SUCCEEDED)
                .origin(JobOrigin.API)
                .owner("key:0123456789abcdef0123456789abcdef")
                .image(new S3Location("media-bucket", "inputs/cat photo.jpg"))
                .imageTail(new S3Location("media-bucket", "inputs/cat-end.png"))
                .parameters(new GenerationParameters("kling-v2-1", "pro", "10", "a cat jumps",
                        "blurry", 0.5, "16:9"))
                .parameterSources(List.of("defaults", "metadata", "sidecar"))
                .idempotencyKey("idem-42")
                .priority(Priority.HIGH)
                .createdAt(Instant.parse("2025-03-04T05:06:07.008Z"))
                .updatedAt(Instant.parse("2025-03-04T05:09:00.100Z"))
                .version(7)
                .submitAttempts(2)
                .submitUnconfirmed(true)
                .lastError("HTTP 503 from Kling")
                .klingTaskId("task-123")
                .submittedAt(Instant.parse("2025-03-04T05:06:08.000Z"))
                .pollCount(5)
                .lastCheckedAt(Instant.parse("2025-03-04T05:08:59.999Z"))
                .klingStatus("succeed")
                .failure(Failure.klingRefused("1301", "content rejected"))
                .video(new VideoResult("https://cdn.example/v.mp4?sig=x", "outputs/job.mp4", 123456789L, "5.1"))
                .unitsDeducted("2.5")
                .completedAt(Instant.parse("2025-03-04T05:09:00.100Z"))
                .notes(List.of("image tail ignored by model", "second note"))
                .build();
    }
}
