package com.klingvideo.pipeline.aws;

import com.klingvideo.pipeline.model.Failure;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobOrigin;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.Priority;
import com.klingvideo.pipeline.model.S3Location;
import com.klingvideo.pipeline.model.VideoResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item schema of the Jobs table, and the only code that knows it: one flat item per job, null
 * values left out (no NULL attributes), every timestamp a fixed-width UTC ISO-8601 string with
 * milliseconds so that string order is time order (the indexes sort on {@code createdAt}).
 */
public final class JobItemMapper {

    /** Partition key of the table. */
    public static final String JOB_ID = "jobId";
    /** Partition key of the {@code ByStatus} index. */
    public static final String STATUS = "status";
    /** Sort key of the indexes. */
    public static final String CREATED_AT = "createdAt";
    /** Partition key of the {@code ByCreatedAt} index: one constant value, so one partition sorted by time. */
    public static final String LIST_PARTITION = "listPartition";
    public static final String LIST_PARTITION_VALUE = "JOB";
    /**
     * Partition key of the {@code ByOwner} index: the API caller's id. Uploads have none, so the index
     * holds API jobs only.
     */
    public static final String OWNER = "owner";
    /** The optimistic-lock counter. */
    public static final String VERSION = "version";
    /**
     * The table's time-to-live attribute (epoch seconds): written only on jobs that ended, and only
     * when a retention is configured.
     */
    public static final String EXPIRES_AT = "expiresAt";

    private static final String ORIGIN = "origin";
    private static final String IMAGE_BUCKET = "imageBucket";
    private static final String IMAGE_KEY = "imageKey";
    private static final String IMAGE_TAIL_BUCKET = "imageTailBucket";
    private static final String IMAGE_TAIL_KEY = "imageTailKey";
    private static final String IMAGE_VERSION = "imageVersionId";
    private static final String IMAGE_TAIL_VERSION = "imageTailVersionId";
    private static final String MODEL = "model";
    private static final String MODE = "mode";
    private static final String DURATION = "duration";
    private static final String PROMPT = "prompt";
    private static final String NEGATIVE_PROMPT = "negativePrompt";
    private static final String CFG_SCALE = "cfgScale";
    private static final String ASPECT_RATIO = "aspectRatio";
    private static final String PARAMETER_SOURCES = "parameterSources";
    private static final String IDEMPOTENCY_KEY = "idempotencyKey";
    private static final String PRIORITY = "priority";
    private static final String UPDATED_AT = "updatedAt";
    private static final String SUBMITTED_AT = "submittedAt";
    private static final String LAST_CHECKED_AT = "lastCheckedAt";
    private static final String COMPLETED_AT = "completedAt";
    private static final String SUBMIT_ATTEMPTS = "submitAttempts";
    private static final String SUBMIT_UNCONFIRMED = "submitUnconfirmed";
    private static final String LAST_ERROR = "lastError";
    private static final String KLING_TASK_ID = "klingTaskId";
    private static final String POLL_COUNT = "pollCount";
    private static final String KLING_STATUS = "klingStatus";
    private static final String FAILURE_CODE = "failureCode";
    private static final String FAILURE_REASON = "failureReason";
    private static final String VIDEO_SOURCE_URL = "videoSourceUrl";
    private static final String VIDEO_KEY = "videoKey";
    private static final String VIDEO_SIZE_BYTES = "videoSizeBytes";
    private static final String VIDEO_DURATION = "videoDuration";
    private static final String UNITS_DEDUCTED = "unitsDeducted";
    private static final String NOTES = "notes";

    /** Fixed width (always three fraction digits) so that timestamps sort as strings. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private JobItemMapper() {
    }

    /** The timestamp format of the table; instants are truncated to milliseconds. */
    public static String formatTimestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** The item of a job that is kept for good. */
    public static Map<String, AttributeValue> toItem(Job job) {
        return toItem(job, Duration.ZERO);
    }

    /**
     * The item of a job; a job that ended also gets {@value #EXPIRES_AT} = when it ended plus
     * {@code finishedJobTtl}, unless that is zero. The time it ended does not change on later writes, so
     * neither does the expiry.
     */
    public static Map<String, AttributeValue> toItem(Job job, Duration finishedJobTtl) {
        Map<String, AttributeValue> item = new HashMap<>();
        if (job.status().isTerminal() && !finishedJobTtl.isZero() && !finishedJobTtl.isNegative()) {
            Instant ended = job.completedAt() != null ? job.completedAt()
                    : job.updatedAt() != null ? job.updatedAt() : job.createdAt();
            item.put(EXPIRES_AT, n(Long.toString(ended.plus(finishedJobTtl).getEpochSecond())));
        }
        item.put(JOB_ID, s(job.jobId()));
        item.put(STATUS, s(job.status().name()));
        item.put(ORIGIN, s(job.origin().name()));
        item.put(LIST_PARTITION, s(LIST_PARTITION_VALUE));
        putString(item, OWNER, job.owner());
        if (job.image() != null) {
            item.put(IMAGE_BUCKET, s(job.image().bucket()));
            item.put(IMAGE_KEY, s(job.image().key()));
            putString(item, IMAGE_VERSION, job.image().versionId());
        }
        if (job.imageTail() != null) {
            item.put(IMAGE_TAIL_BUCKET, s(job.imageTail().bucket()));
            item.put(IMAGE_TAIL_KEY, s(job.imageTail().key()));
            putString(item, IMAGE_TAIL_VERSION, job.imageTail().versionId());
        }
        GenerationParameters p = job.parameters();
        if (p != null) {
            putString(item, MODEL, p.model());
            putString(item, MODE, p.mode());
            putString(item, DURATION, p.duration());
            putString(item, PROMPT, p.prompt());
            putString(item, NEGATIVE_PROMPT, p.negativePrompt());
            if (p.cfgScale() != null) {
                item.put(CFG_SCALE, n(BigDecimal.valueOf(p.cfgScale()).toPlainString()));
            }
            putString(item, ASPECT_RATIO, p.aspectRatio());
        }
        putList(item, PARAMETER_SOURCES, job.parameterSources());
        putString(item, IDEMPOTENCY_KEY, job.idempotencyKey());
        item.put(PRIORITY, s(job.priority().name()));
        putTimestamp(item, CREATED_AT, job.createdAt());
        putTimestamp(item, UPDATED_AT, job.updatedAt());
        putTimestamp(item, SUBMITTED_AT, job.submittedAt());
        putTimestamp(item, LAST_CHECKED_AT, job.lastCheckedAt());
        putTimestamp(item, COMPLETED_AT, job.completedAt());
        item.put(VERSION, n(Long.toString(job.version())));
        item.put(SUBMIT_ATTEMPTS, n(Integer.toString(job.submitAttempts())));
        item.put(SUBMIT_UNCONFIRMED, AttributeValue.fromBool(job.submitUnconfirmed()));
        putString(item, LAST_ERROR, job.lastError());
        putString(item, KLING_TASK_ID, job.klingTaskId());
        item.put(POLL_COUNT, n(Integer.toString(job.pollCount())));
        putString(item, KLING_STATUS, job.klingStatus());
        if (job.failure() != null) {
            putString(item, FAILURE_CODE, job.failure().code());
            putString(item, FAILURE_REASON, job.failure().reason());
        }
        VideoResult video = job.video();
        if (video != null) {
            putString(item, VIDEO_SOURCE_URL, video.sourceUrl());
            putString(item, VIDEO_KEY, video.storedKey());
            item.put(VIDEO_SIZE_BYTES, n(Long.toString(video.sizeBytes())));
            putString(item, VIDEO_DURATION, video.durationSeconds());
        }
        putString(item, UNITS_DEDUCTED, job.unitsDeducted());
        putList(item, NOTES, job.notes());
        return item;
    }

    /** @throws IllegalStateException when the item lacks a required attribute or holds an unknown value */
    public static Job fromItem(Map<String, AttributeValue> item) {
        String jobId = required(item, JOB_ID, "?");
        return Job.builder()
                .jobId(jobId)
                .status(parseEnum(JobStatus.class, required(item, STATUS, jobId), STATUS, jobId))
                .origin(parseEnum(JobOrigin.class, required(item, ORIGIN, jobId), ORIGIN, jobId))
                .owner(string(item, OWNER))
                .image(location(item, IMAGE_BUCKET, IMAGE_KEY, IMAGE_VERSION))
                .imageTail(location(item, IMAGE_TAIL_BUCKET, IMAGE_TAIL_KEY, IMAGE_TAIL_VERSION))
                .parameters(parameters(item, jobId))
                .parameterSources(list(item, PARAMETER_SOURCES))
                .idempotencyKey(string(item, IDEMPOTENCY_KEY))
                .priority(item.containsKey(PRIORITY)
                        ? parseEnum(Priority.class, required(item, PRIORITY, jobId), PRIORITY, jobId) : null)
                .createdAt(parseTimestamp(required(item, CREATED_AT, jobId), CREATED_AT, jobId))
                .updatedAt(timestamp(item, UPDATED_AT, jobId))
                .submittedAt(timestamp(item, SUBMITTED_AT, jobId))
                .lastCheckedAt(timestamp(item, LAST_CHECKED_AT, jobId))
                .completedAt(timestamp(item, COMPLETED_AT, jobId))
                .version(number(item, VERSION, jobId))
                .submitAttempts(Math.toIntExact(number(item, SUBMIT_ATTEMPTS, jobId)))
                .submitUnconfirmed(bool(item, SUBMIT_UNCONFIRMED))
                .lastError(string(item, LAST_ERROR))
                .klingTaskId(string(item, KLING_TASK_ID))
                .pollCount(Math.toIntExact(number(item, POLL_COUNT, jobId)))
                .klingStatus(string(item, KLING_STATUS))
                .failure(failure(item, jobId))
                .video(video(item, jobId))
                .unitsDeducted(string(item, UNITS_DEDUCTED))
                .notes(list(item, NOTES))
                .build();
    }

    private static GenerationParameters parameters(Map<String, AttributeValue> item, String jobId) {
        boolean any = List.of(MODEL, MODE, DURATION, PROMPT, NEGATIVE_PROMPT, CFG_SCALE, ASPECT_RATIO)
                .stream().anyMatch(item::containsKey);
        if (!any) {
            return null;
        }
        Double cfgScale = null;
        if (item.containsKey(CFG_SCALE)) {
            try {
                cfgScale = Double.valueOf(item.get(CFG_SCALE).n());
            } catch (NumberFormatException | NullPointerException e) {
                throw corrupt(jobId, CFG_SCALE);
            }
        }
        return new GenerationParameters(
                string(item, MODEL),
                string(item, MODE),
                string(item, DURATION),
                string(item, PROMPT),
                string(item, NEGATIVE_PROMPT),
                cfgScale,
                string(item, ASPECT_RATIO));
    }

    private static Failure failure(Map<String, AttributeValue> item, String jobId) {
        String code = string(item, FAILURE_CODE);
        String reason = string(item, FAILURE_REASON);
        if (code == null && reason == null) {
            return null;
        }
        return Failure.fromCode(code, reason).orElseThrow(() -> corrupt(jobId, FAILURE_CODE));
    }

    private static VideoResult video(Map<String, AttributeValue> item, String jobId) {
        if (!item.containsKey(VIDEO_KEY) && !item.containsKey(VIDEO_SOURCE_URL)) {
            return null;
        }
        return new VideoResult(
                string(item, VIDEO_SOURCE_URL),
                string(item, VIDEO_KEY),
                number(item, VIDEO_SIZE_BYTES, jobId),
                string(item, VIDEO_DURATION));
    }

    private static S3Location location(Map<String, AttributeValue> item, String bucketName, String keyName,
            String versionName) {
        String bucket = string(item, bucketName);
        String key = string(item, keyName);
        return bucket == null || key == null ? null : new S3Location(bucket, key, string(item, versionName));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    private static void putString(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static void putTimestamp(Map<String, AttributeValue> item, String name, Instant value) {
        if (value != null) {
            item.put(name, s(formatTimestamp(value)));
        }
    }

    /** An empty list reads back as empty, so it is left out like a null. */
    private static void putList(Map<String, AttributeValue> item, String name, List<String> values) {
        if (!values.isEmpty()) {
            item.put(name, AttributeValue.fromL(values.stream().map(JobItemMapper::s).toList()));
        }
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static String required(Map<String, AttributeValue> item, String name, String jobId) {
        String value = string(item, name);
        if (value == null) {
            throw new IllegalStateException("job item " + jobId + " has no string attribute '" + name + "'");
        }
        return value;
    }

    private static long number(Map<String, AttributeValue> item, String name, String jobId) {
        AttributeValue value = item.get(name);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.n());
        } catch (NumberFormatException e) {
            throw corrupt(jobId, name);
        }
    }

    private static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    private static Instant timestamp(Map<String, AttributeValue> item, String name, String jobId) {
        String value = string(item, name);
        return value == null ? null : parseTimestamp(value, name, jobId);
    }

    private static Instant parseTimestamp(String value, String name, String jobId) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw corrupt(jobId, name);
        }
    }

    private static List<String> list(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? List.of() : value.l().stream().map(AttributeValue::s).toList();
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String name, String jobId) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw corrupt(jobId, name);
        }
    }

    private static IllegalStateException corrupt(String jobId, String name) {
        return new IllegalStateException("job item " + jobId + " has an invalid '" + name + "' attribute");
    }
}
