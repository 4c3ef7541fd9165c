package com.klingvideo.pipeline.entrypoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.klingvideo.pipeline.domain.JobStore;
import com.klingvideo.pipeline.domain.UploadIntake;
import com.klingvideo.pipeline.fakes.PipelineFixture;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.S3Location;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubmitHandlerTest {

    static S3Event event(String bucket, String encodedKey, String versionId) {
        var object = new S3EventNotification.S3ObjectEntity(encodedKey, 1000L, "etag", versionId, "seq");
        var bucketEntity = new S3EventNotification.S3BucketEntity(bucket, null, "arn:aws:s3:::" + bucket);
        var entity = new S3EventNotification.S3Entity("config", bucketEntity, object, "1.0");
        var record = new S3EventNotification.S3EventNotificationRecord("us-east-1", "ObjectCreated:Put", "aws:s3",
                "2026-11-25T10:00:00.000Z", "2.1", null, null, entity, null);
        return new S3Event(List.of(record));
    }

    @Test
    void handleRequest_should_decodeKey_when_keyHasSpacesAndUnicode() {
        // GIVEN an image whose key has spaces, parentheses and non-ASCII letters
        PipelineFixture f = new PipelineFixture();
        String key = "inputs/red kettle (1) é.jpg";
        String version = f.media.putObject(new S3Location(PipelineFixture.BUCKET, key), TestImages.jpeg(640, 480), Map.of());
        // WHEN S3 notifies with the key form-encoded
        List<String> results = new SubmitHandler(f.intake).handleRequest(
                event(PipelineFixture.BUCKET, "inputs/red+kettle+%281%29+%C3%A9.jpg", version), null);
        // THEN the decoded key is the job's image
        assertThat(results).containsExactly("ADMITTED");
        assertThat(f.store.all()).singleElement().satisfies(job -> {
            assertThat(job.image().key()).isEqualTo(key);
            assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        });
    }

    @Test
    void decodeKey_should_keepPlusSign_when_encodedAsPercent2B() {
        assertThat(SubmitHandler.decodeKey("inputs/a%2Bb+c%2Fd.png")).isEqualTo("inputs/a+b c/d.png");
    }

    @Test
    void handleRequest_should_rethrowAfterAllRecords_when_oneFails() {
        // GIVEN a store that is down
        PipelineFixture f = new PipelineFixture();
        JobStore broken = new FailingStore();
        UploadIntake intake = new UploadIntake(broken, f.media, new com.klingvideo.pipeline.domain.ImageValidation(f.media),
                f.launcher, f.settings, f.clock);
        // WHEN an image arrives THEN the failure surfaces so Lambda retries the event
        assertThatThrownBy(() -> new SubmitHandler(intake).handleRequest(event(PipelineFixture.BUCKET, "inputs/a.jpg", "v1"),
                null)).isInstanceOf(IllegalStateException.class).hasMessageContaining("DynamoDB unavailable");
    }

    @Test
    void handleRequest_should_doNothing_when_noRecords() {
        PipelineFixture f = new PipelineFixture();
        assertThat(new SubmitHandler(f.intake).handleRequest(new S3Event(List.of()), null)).isEmpty();
    }

    private static final class FailingStore implements JobStore {
        @Override
        public boolean create(com.klingvideo.pipeline.model.Job job) {
            throw new IllegalStateException("DynamoDB unavailable");
        }

        @Override
        public java.util.Optional<com.klingvideo.pipeline.model.Job> find(String jobId) {
            throw new IllegalStateException("DynamoDB unavailable");
        }

        @Override
        public com.klingvideo.pipeline.model.Job update(com.klingvideo.pipeline.model.Job job) {
            throw new IllegalStateException("DynamoDB unavailable");
        }

        @Override
        public com.klingvideo.pipeline.model.JobPage list(JobStatus status, int limit, String nextToken) {
            throw new IllegalStateException("DynamoDB unavailable");
        }

        @Override
        public com.klingvideo.pipeline.model.JobPage listOwned(String owner, JobStatus status, int limit,
                String nextToken) {
            throw new IllegalStateException("DynamoDB unavailable");
        }
    }
}
