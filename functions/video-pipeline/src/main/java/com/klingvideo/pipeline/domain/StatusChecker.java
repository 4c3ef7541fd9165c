package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Failure;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.S3Location;
import com.klingvideo.pipeline.model.VideoResult;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * One turn of the wait-and-check loop: advances a job by asking Kling once, and says what comes next.
 * QUEUED jobs are (re)submitted; accepted jobs are queried; a finished video is copied into the bucket
 * before the job is marked SUCCEEDED. Safe to repeat: a final job is returned unchanged.
 */
public final class StatusChecker {
    private static final JsonLog LOG = JsonLog.of(StatusChecker.class);
    private static final int MAX_ERROR_TEXT = 500;

    private final JobStore store;
    private final VideoGenerator kling;
    private final MediaStore media;
    private final JobSubmitter submitter;
    private final SlotGovernor governor;
    private final PollPolicy pollPolicy;
    private final PipelineSettings settings;
    private final Clock clock;

    public StatusChecker(JobStore store, VideoGenerator kling, MediaStore media, JobSubmitter submitter,
            SlotGovernor governor, PollPolicy pollPolicy, PipelineSettings settings, Clock clock) {
        this.store = store;
        this.kling = kling;
        this.media = media;
        this.submitter = submitter;
        this.governor = governor;
        this.pollPolicy = pollPolicy;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * What the state machine needs to choose its next state.
     *
     * @param waitSeconds before the next check; 0 when the job is final
     * @param inQueue     the job went back to the queue to wait for a slot: this execution ends, and the
     *                    slot governor starts a new one when the job gets a slot
     */
    public record Step(String jobId, JobStatus status, long waitSeconds, int pollCount, boolean inQueue) {
        static Step of(Job job, long waitSeconds) {
            return new Step(job.jobId(), job.status(), job.status().isTerminal() ? 0 : waitSeconds, job.pollCount(),
                    false);
        }

        static Step of(JobSubmitter.Outcome outcome) {
            Job job = outcome.job();
            return new Step(job.jobId(), job.status(), job.status().isTerminal() || outcome.inQueue() ? 0
                    : outcome.waitSeconds(), job.pollCount(), outcome.inQueue());
        }
    }

    /**
     * One check. When the job has ended its slot goes to the next job in the queue (also when the job
     * had ended before: a repeated check repairs a release that did not happen).
     *
     * @throws JobNotFoundException    when there is no such job
     * @throws KlingRetryableException when Kling could not answer now (the state machine retries)
     */
    public Step check(String jobId) {
        Job job = store.find(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        Step step = switch (job.status()) {
            case SUCCEEDED, FAILED, TIMED_OUT -> Step.of(job, 0);
            case QUEUED -> Step.of(submitter.submit(job));
            case SUBMITTED, PROCESSING -> poll(job);
        };
        if (step.status().isTerminal()) {
            governor.finished(jobId);
        }
        return step;
    }

    /**
     * Ends a job whose checks kept failing (the state machine's retries ran out), so that no job is left
     * looking alive when nothing follows it any more. The error and its cause go to the log only: they are
     * exception text (ARNs, hosts, addresses), and the job's reason is read by API callers.
     */
    public Step recordFailure(String jobId, String error, String cause) {
        Job job = store.find(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        if (job.status().isTerminal()) {
            governor.finished(jobId);
            return Step.of(job, 0);
        }
        String reason = "status checks kept failing (" + publicKind(error) + "); the details are in the log";
        LOG.error("job.check.abandoned", "jobId", jobId, "klingTaskId", job.klingTaskId(), "error", error,
                "cause", cause == null ? null : truncate(cause));
        Step step = Step.of(finish(job, JobStatus.FAILED, new Failure("STATUS_CHECK_ERROR", reason)), 0);
        governor.finished(jobId);
        return step;
    }

    private Step poll(Job job) {
        Instant now = clock.instant();
        KlingTask task = kling.query(job.klingTaskId());
        Job checked = job.toBuilder()
                .pollCount(job.pollCount() + 1)
                .lastCheckedAt(now)
                .klingStatus(task.rawStatus())
                .updatedAt(now)
                .build();
        return switch (task.status()) {
            case SUBMITTED, PROCESSING -> stillRunning(checked, task, now);
            case SUCCEEDED -> succeeded(checked, task);
            case FAILED -> {
                String reason = task.statusMessage() == null || task.statusMessage().isBlank()
                        ? "Kling reported the task as failed without a reason"
                        : task.statusMessage();
                Job failed = finish(checked.toBuilder().unitsDeducted(task.unitsDeducted()).build(),
                        JobStatus.FAILED, new Failure("KLING_TASK_FAILED", reason));
                yield Step.of(failed, 0);
            }
        };
    }

    private Step stillRunning(Job checked, KlingTask task, Instant now) {
        Duration elapsed = Duration.between(checked.submittedAt() == null ? checked.createdAt() : checked.submittedAt(), now);
        OptionalLong wait = pollPolicy.nextWaitSeconds(checked.pollCount(), elapsed);
        if (wait.isEmpty()) {
            Job timedOut = finish(checked, JobStatus.TIMED_OUT, new Failure("POLL_LIMIT",
                    "Kling had not finished after " + pollPolicy.maxTotal().toMinutes() + " minutes (last status: "
                            + task.rawStatus() + ", task " + task.taskId() + ")"));
            return Step.of(timedOut, 0);
        }
        JobStatus status = task.status() == KlingTaskStatus.PROCESSING ? JobStatus.PROCESSING : checked.status();
        Job running = store.update(checked.toBuilder().status(status).build());
        LOG.info("job.checked", "jobId", running.jobId(), "klingTaskId", task.taskId(), "klingStatus",
                task.rawStatus(), "pollCount", running.pollCount(), "waitSeconds", wait.getAsLong());
        return Step.of(running, wait.getAsLong());
    }

    private Step succeeded(Job checked, KlingTask task) {
        if (task.videoUrl() == null || task.videoUrl().isBlank()) {
            return Step.of(finish(checked, JobStatus.FAILED, new Failure("KLING_NO_VIDEO",
                    "Kling reported success for task " + task.taskId() + " without a video URL")), 0);
        }
        // Kling's slot is free once the task has ended: record that, and hand the slot to the next job
        // before the copy, which takes seconds for a real video.
        Job ended = store.update(checked);
        governor.finished(ended.jobId());
        governor.recordRunTime(ended.parameters(), task.runTime());
        S3Location target = new S3Location(settings.bucket(), settings.outputKey(checked.jobId()));
        long size;
        try {
            size = media.copyFromUrl(URI.create(task.videoUrl()), target, "video/mp4");
        } catch (UncheckedIOException e) {
            // Kling keeps the file for 30 days: a failed copy is worth retrying, not failing the job for.
            throw new KlingRetryableException("video_download", 0,
                    "copying the video of task " + task.taskId() + " failed: " + e.getMessage(), false, e);
        }
        Instant now = clock.instant();
        Job done = store.update(ended.toBuilder()
                .status(JobStatus.SUCCEEDED)
                .video(new VideoResult(task.videoUrl(), target.key(), size, task.videoDuration()))
                .unitsDeducted(task.unitsDeducted())
                .completedAt(now)
                .updatedAt(now)
                .build());
        LOG.info("job.succeeded", "jobId", done.jobId(), "klingTaskId", task.taskId(), "videoKey", target.key(),
                "sizeBytes", size, "pollCount", done.pollCount(),
                "runTimeMs", task.runTime() == null ? null : task.runTime().toMillis());
        return Step.of(done, 0);
    }

    private Job finish(Job job, JobStatus status, Failure failure) {
        Instant now = clock.instant();
        Job done = store.update(job.toBuilder()
                .status(status)
                .failure(failure)
                .completedAt(now)
                .updatedAt(now)
                .build());
        LOG.warn("job.ended", "jobId", job.jobId(), "klingTaskId", job.klingTaskId(), "status", status,
                "code", failure.code(), "reason", failure.reason());
        return done;
    }

    /** What kind of error ended the checks, in words that reveal nothing of the deployment. */
    private static String publicKind(String error) {
        if (error == null) {
            return "an error";
        }
        if (error.startsWith("States.Timeout")) {
            return "they timed out";
        }
        if (error.equals(KlingRetryableException.class.getName())) {
            return "Kling did not answer, or the video could not be copied";
        }
        return "an internal error";
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "...";
    }
}
