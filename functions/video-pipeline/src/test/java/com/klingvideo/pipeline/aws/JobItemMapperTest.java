package com.klingvideo.pipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.model.Failure;
import com.klingvideo.pipeline.model.FailureCode;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class JobItemMapperTest {

    @Test
    void roundTrip_should_keepEveryField_when_jobIsFullyPopulated() {
        // GIVEN a job with every field set (the guard keeps the fixture complete when Job grows)
        Job job = JobFixtures.fullyPopulated("job-1");
        assertThat(job).hasNoNullFieldsOrProperties();

        // WHEN it is written and read back
        Job read = JobItemMapper.fromItem(JobItemMapper.toItem(job));

        // THEN nothing is lost
        assertThat(read).isEqualTo(job);
    }

    @Test
    void toItem_should_writeTheDocumentedSchema_when_jobIsFullyPopulated() {
        // GIVEN a fully populated job
        Job job = JobFixtures.fullyPopulated("job-1");

        // WHEN it is mapped
        Map<String, AttributeValue> item = JobItemMapper.toItem(job);

        // THEN the attribute names and types are exactly the table's schema
        assertThat(item).containsOnlyKeys(
                "jobId", "status", "origin", "listPartition", "owner",
                "imageBucket", "imageKey", "imageTailBucket", "imageTailKey",
                "model", "mode", "duration", "prompt", "negativePrompt", "cfgScale", "aspectRatio",
                "parameterSources", "idempotencyKey", "priority",
                "createdAt", "updatedAt", "submittedAt", "lastCheckedAt", "completedAt",
                "version", "submitAttempts", "submitUnconfirmed", "lastError", "klingTaskId",
                "pollCount", "klingStatus", "failureCode", "failureReason",
                "videoSourceUrl", "videoKey", "videoSizeBytes", "videoDuration", "unitsDeducted", "notes");
        assertThat(item.get("jobId").s()).isEqualTo("job-1");
        assertThat(item.get("status").s()).isEqualTo("SUCCEEDED");
        assertThat(item.get("origin").s()).isEqualTo("API");
        assertThat(item.get("priority").s()).isEqualTo("HIGH");
        assertThat(item.get("listPartition").s()).isEqualTo("JOB");
        assertThat(item.get("owner").s()).isEqualTo("key:0123456789abcdef0123456789abcdef");
        assertThat(item.get("createdAt").s()).isEqualTo("2025-03-04T05:06:07.008Z");
        assertThat(item.get("submittedAt").s()).isEqualTo("2025-03-04T05:06:08.000Z");
        assertThat(item.get("cfgScale").n()).isEqualTo("0.5");
        assertThat(item.get("version").n()).isEqualTo("7");
        assertThat(item.get("submitAttempts").n()).isEqualTo("2");
        assertThat(item.get("pollCount").n()).isEqualTo("5");
        assertThat(item.get("videoSizeBytes").n()).isEqualTo("123456789");
        assertThat(item.get("submitUnconfirmed").bool()).isTrue();
        assertThat(item.get("parameterSources").l()).extracting(AttributeValue::s)
                .containsExactly("defaults", "metadata", "sidecar");
        assertThat(item.get("notes").l()).extracting(AttributeValue::s)
                .containsExactly("image tail ignored by model", "second note");
        assertThat(item.get("imageKey").s()).isEqualTo("inputs/cat photo.jpg");
    }

    @Test
    void toItem_should_writeExpiresAtFromWhenTheJobEnded_when_aRetentionIsSetAndTheJobEnded() {
        // GIVEN a job that ended at 05:09:00.100 and a retention of 30 days
        Job job = JobFixtures.fullyPopulated("job-1").toBuilder().status(JobStatus.FAILED).build();

        // WHEN it is mapped
        Map<String, AttributeValue> item = JobItemMapper.toItem(job, Duration.ofDays(30));

        // THEN the time-to-live attribute is the end plus 30 days, in epoch seconds, and reads back as nothing
        assertThat(item.get("expiresAt").n())
                .isEqualTo(Long.toString(Instant.parse("2025-04-03T05:09:00Z").getEpochSecond()));
        assertThat(JobItemMapper.fromItem(item)).isEqualTo(job);
    }

    @ParameterizedTest
    @EnumSource(value = JobStatus.class, names = {"QUEUED", "SUBMITTED", "PROCESSING"})
    void toItem_should_writeNoExpiry_when_theJobHasNotEnded(JobStatus status) {
        // GIVEN a live job and a retention
        Job job = JobFixtures.fullyPopulated("job-1").toBuilder().status(status).build();

        // WHEN / THEN a job that may still cost money at Kling is never scheduled for deletion
        assertThat(JobItemMapper.toItem(job, Duration.ofDays(1))).doesNotContainKey("expiresAt");
    }

    @Test
    void toItem_should_writeNoExpiry_when_noRetentionIsSet() {
        // GIVEN a job that ended, and no retention
        Job job = JobFixtures.fullyPopulated("job-1");

        // WHEN / THEN it is kept for good
        assertThat(JobItemMapper.toItem(job, Duration.ZERO)).doesNotContainKey("expiresAt");
    }

    @Test
    void toItem_should_omitNullAttributes_when_jobIsMinimal() {
        // GIVEN a job with only the required fields
        Job job = JobFixtures.minimal("job-2");

        // WHEN it is mapped and read back
        Map<String, AttributeValue> item = JobItemMapper.toItem(job);
        Job read = JobItemMapper.fromItem(item);

        // THEN only the set attributes are written, none of NULL type, and the job survives
        assertThat(item).containsOnlyKeys("jobId", "status", "origin", "listPartition", "createdAt",
                "version", "submitAttempts", "submitUnconfirmed", "pollCount", "priority");
        assertThat(item.values()).noneMatch(v -> Boolean.TRUE.equals(v.nul()));
        assertThat(read).isEqualTo(job);
        assertThat(read.parameters()).isNull();
        assertThat(read.video()).isNull();
        assertThat(read.failure()).isNull();
        assertThat(read.notes()).isEmpty();
    }

    @Test
    void formatTimestamp_should_sortLikeTime_when_fractionsDiffer() {
        // GIVEN instants with no fraction, a half second and sub-millisecond digits
        Instant whole = Instant.parse("2025-01-02T03:04:05Z");
        Instant half = Instant.parse("2025-01-02T03:04:05.5Z");
        Instant fine = Instant.parse("2025-01-02T03:04:05.123456789Z");

        // WHEN they are formatted
        String wholeText = JobItemMapper.formatTimestamp(whole);
        String halfText = JobItemMapper.formatTimestamp(half);
        String fineText = JobItemMapper.formatTimestamp(fine);

        // THEN the width is fixed (milliseconds, truncated) so string order is time order
        assertThat(wholeText).isEqualTo("2025-01-02T03:04:05.000Z");
        assertThat(halfText).isEqualTo("2025-01-02T03:04:05.500Z");
        assertThat(fineText).isEqualTo("2025-01-02T03:04:05.123Z");
        assertThat(List.of(halfText, wholeText, fineText).stream().sorted())
                .containsExactly(wholeText, fineText, halfText);
    }

    @Test
    void fromItem_should_failWithAttributeName_when_statusIsUnknown() {
        // GIVEN a stored item whose status is not one this code knows
        Map<String, AttributeValue> item = new HashMap<>(JobItemMapper.toItem(JobFixtures.minimal("job-3")));
        item.put("status", AttributeValue.fromS("ARCHIVED"));

        // WHEN / THEN reading it fails and says which job and attribute
        assertThatThrownBy(() -> JobItemMapper.fromItem(item))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("job-3")
                .hasMessageContaining("status");
    }

    @Test
    void fromItem_should_fail_when_createdAtIsMissing() {
        // GIVEN an item without its creation time
        Map<String, AttributeValue> item = new HashMap<>(JobItemMapper.toItem(JobFixtures.minimal("job-4")));
        item.remove("createdAt");

        // WHEN / THEN
        assertThatThrownBy(() -> JobItemMapper.fromItem(item))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("createdAt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"INVALID_INPUT", "KLING_TASK_FAILED", "KLING_1301", "KLING_task_not_exist",
            "KLING_ACCOUNT_1102", "QUEUE_EXPIRED", "SUBMIT_DEADLINE", "SUBMIT_UNVERIFIABLE", "STATUS_CHECK_ERROR",
            "POLL_LIMIT", "VIDEO_TOO_LARGE", "KLING_NO_VIDEO"})
    void roundTrip_should_keepTheStoredFailureCode_when_itIsOneThePipelineWrites(String stored) {
        // GIVEN a stored item with a failureCode as jobs carry them (older ones included)
        Map<String, AttributeValue> item = new HashMap<>(JobItemMapper.toItem(JobFixtures.minimal("job-5")));
        item.put("failureCode", AttributeValue.fromS(stored));
        item.put("failureReason", AttributeValue.fromS("why"));

        // WHEN it is read and written again
        Job read = JobItemMapper.fromItem(item);

        // THEN the code is the same text
        assertThat(read.failure().code()).isEqualTo(stored);
        assertThat(JobItemMapper.toItem(read).get("failureCode").s()).isEqualTo(stored);
    }

    @Test
    void fromItem_should_readKlingsOwnCode_when_klingRefusedTheJob() {
        // GIVEN a job Kling refused with 1301
        Map<String, AttributeValue> item = new HashMap<>(JobItemMapper.toItem(JobFixtures.minimal("job-6")));
        item.put("failureCode", AttributeValue.fromS("KLING_1301"));

        // WHEN / THEN
        assertThat(JobItemMapper.fromItem(item).failure()).isEqualTo(Failure.klingRefused("1301", null));
        assertThat(JobItemMapper.fromItem(item).failure().failureCode()).isEqualTo(FailureCode.KLING_REFUSED);
    }

    @Test
    void fromItem_should_failWithAttributeName_when_failureCodeIsUnknown() {
        // GIVEN a stored failure code that is none of the pipeline's
        Map<String, AttributeValue> item = new HashMap<>(JobItemMapper.toItem(JobFixtures.minimal("job-7")));
        item.put("failureCode", AttributeValue.fromS("SOMETHING_ELSE"));

        // WHEN / THEN reading it fails and says which job and attribute
        assertThatThrownBy(() -> JobItemMapper.fromItem(item))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("job-7")
                .hasMessageContaining("failureCode");
    }
}
