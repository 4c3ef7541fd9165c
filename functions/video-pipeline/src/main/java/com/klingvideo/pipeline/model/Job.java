package com.klingvideo.pipeline.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One image-to-video job: the single source of truth for its status and result. Stored as one
 * DynamoDB item (see {@code JobItemMapper}); {@code version} guards every write against a lost update.
 *
 * @param jobId             deterministic id (see {@code JobIds}); also the execution name and Kling's external_task_id
 * @param owner             the API caller's id ({@code Caller.id()}) for API jobs; null for uploads,
 *                          which belong to no API caller
 * @param parameterSources  which layers set the parameters, in order, for example {@code [defaults, metadata, sidecar]}
 * @param idempotencyKey    the API caller's key, or null
 * @param priority          where it waits for a Kling slot (see {@link Priority})
 * @param submitAttempts    how many times a create request was sent to Kling
 * @param submitUnconfirmed true while a create request may have reached Kling without a known outcome
 * @param lastError         the latest transient error, kept for operators while the job waits
 * @param klingTaskId       Kling's task id once accepted
 * @param klingStatus       Kling's own status word from the latest check
 * @param pollCount         status checks made so far
 * @param failure           why the job failed or timed out, else null
 * @param video             the stored video once SUCCEEDED, else null
 * @param unitsDeducted     Kling's {@code final_unit_deduction}, when reported
 * @param notes             things an operator should know that did not change the outcome
 */
public record Job(
        String jobId,
        JobStatus status,
        JobOrigin origin,
        String owner,
        S3Location image,
        S3Location imageTail,
        GenerationParameters parameters,
        List<String> parameterSources,
        String idempotencyKey,
        Priority priority,
        Instant createdAt,
        Instant updatedAt,
        long version,
        int submitAttempts,
        boolean submitUnconfirmed,
        String lastError,
        String klingTaskId,
        Instant submittedAt,
        int pollCount,
        Instant lastCheckedAt,
        String klingStatus,
        Failure failure,
        VideoResult video,
        String unitsDeducted,
        Instant completedAt,
        List<String> notes) {

    public Job {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(createdAt, "createdAt");
        priority = priority == null ? Priority.NORMAL : priority;
        parameterSources = parameterSources == null ? List.of() : List.copyOf(parameterSources);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Copy-and-change; the only way the pipeline derives a job's next state. */
    public static final class Builder {
        private String jobId;
        private JobStatus status;
        private JobOrigin origin;
        private String owner;
        private S3Location image;
        private S3Location imageTail;
        private GenerationParameters parameters;
        private List<String> parameterSources = List.of();
        private String idempotencyKey;
        private Priority priority;
        private Instant createdAt;
        private Instant updatedAt;
        private long version;
        private int submitAttempts;
        private boolean submitUnconfirmed;
        private String lastError;
        private String klingTaskId;
        private Instant submittedAt;
        private int pollCount;
        private Instant lastCheckedAt;
        private String klingStatus;
        private Failure failure;
        private VideoResult video;
        private String unitsDeducted;
        private Instant completedAt;
        private List<String> notes = List.of();

        private Builder() {
        }

        private Builder(Job j) {
            jobId = j.jobId;
            status = j.status;
            origin = j.origin;
            owner = j.owner;
            image = j.image;
            imageTail = j.imageTail;
            parameters = j.parameters;
            parameterSources = j.parameterSources;
            idempotencyKey = j.idempotencyKey;
            priority = j.priority;
            createdAt = j.createdAt;
            updatedAt = j.updatedAt;
            version = j.version;
            submitAttempts = j.submitAttempts;
            submitUnconfirmed = j.submitUnconfirmed;
            lastError = j.lastError;
            klingTaskId = j.klingTaskId;
            submittedAt = j.submittedAt;
            pollCount = j.pollCount;
            lastCheckedAt = j.lastCheckedAt;
            klingStatus = j.klingStatus;
            failure = j.failure;
            video = j.video;
            unitsDeducted = j.unitsDeducted;
            completedAt = j.completedAt;
            notes = j.notes;
        }

        public Builder jobId(String v) { jobId = v; return this; }
        public Builder status(JobStatus v) { status = v; return this; }
        public Builder origin(JobOrigin v) { origin = v; return this; }
        public Builder owner(String v) { owner = v; return this; }
        public Builder image(S3Location v) { image = v; return this; }
        public Builder imageTail(S3Location v) { imageTail = v; return this; }
        public Builder parameters(GenerationParameters v) { parameters = v; return this; }
        public Builder parameterSources(List<String> v) { parameterSources = v; return this; }
        public Builder idempotencyKey(String v) { idempotencyKey = v; return this; }
        public Builder priority(Priority v) { priority = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }
        public Builder version(long v) { version = v; return this; }
        public Builder submitAttempts(int v) { submitAttempts = v; return this; }
        public Builder submitUnconfirmed(boolean v) { submitUnconfirmed = v; return this; }
        public Builder lastError(String v) { lastError = v; return this; }
        public Builder klingTaskId(String v) { klingTaskId = v; return this; }
        public Builder submittedAt(Instant v) { submittedAt = v; return this; }
        public Builder pollCount(int v) { pollCount = v; return this; }
        public Builder lastCheckedAt(Instant v) { lastCheckedAt = v; return this; }
        public Builder klingStatus(String v) { klingStatus = v; return this; }
        public Builder failure(Failure v) { failure = v; return this; }
        public Builder video(VideoResult v) { video = v; return this; }
        public Builder unitsDeducted(String v) { unitsDeducted = v; return this; }
        public Builder completedAt(Instant v) { completedAt = v; return this; }
        public Builder notes(List<String> v) { notes = v; return this; }

        public Job build() {
            return new Job(jobId, status, origin, owner, image, imageTail, parameters, parameterSources,
                    idempotencyKey, priority, createdAt, updatedAt, version, submitAttempts, submitUnconfirmed,
                    lastError, klingTaskId, submittedAt, pollCount, lastCheckedAt, klingStatus, failure,
                    video, unitsDeducted, completedAt, notes);
        }
    }
}
