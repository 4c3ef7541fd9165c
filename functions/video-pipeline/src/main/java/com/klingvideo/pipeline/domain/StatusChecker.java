package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.JobNotFoundException;
import com.klingvideo.pipeline.domain.failure.KlingAccountException;
import com.klingvideo.pipeline.domain.failure.KlingException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Failure;
import com.klingvideo.pipeline.model.FailureCode;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.S3Location;
import com.klingvideo.pipeline.model.VideoResult;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
     * What the state machine does when a check failed in a way the check itself could not handle (the
     * function timed out or crashed, or its retries ran out). A job whose task Kling holds, or may hold,
     * is not failed, since Kling charges for the task either way: the failure is noted and the loop goes on,
     * backing off, until the job's own limit (the poll limit, or the submit deadline). Any other job ends
     * FAILED, so that no job is left looking alive when nothing follows it any more.
     *
     * @param error the error name Step Functions caught; {@code cause} is only logged (it may carry
     *              internal detail that does not belong on the job)
     */
    public Step recordFailure(String jobId, String error, String cause) {
        Job job = store.find(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        Step step = job.status().isTerminal() ? Step.of(job, 0) : afterFailedCheck(job, error, cause);
        if (step.status().isTerminal()) {
            governor.finished(jobId);
        }
        return step;
    }

    private Step afterFailedCheck(Job job, String error, String cause) {
        LOG.error("job.check.error", "jobId", job.jobId(), "klingTaskId", job.klingTaskId(), "status", job.status(),
                "error", error, "cause", cause == null ? null : truncate(cause));
        Instant now = clock.instant();
        String note = "a status check failed (" + publicKind(error) + ")";
        if (job.klingTaskId() != null) {
            return checkFailed(job.toBuilder().pollCount(job.pollCount() + 1).lastCheckedAt(now).updatedAt(now).build(),
                    note);
        }
        if (job.status() == JobStatus.QUEUED && job.submitUnconfirmed()) {
            // The create may have reached Kling: the next turn looks the task up before anything is sent.
            Optional<Long> wait = submitter.retryWait(job);
            if (wait.isPresent()) {
                store.update(job.toBuilder().lastError(note).updatedAt(now).build());
                return new Step(job.jobId(), job.status(), wait.get(), job.pollCount(), false);
            }
        }
        return Step.of(finish(job, JobStatus.FAILED, new Failure(FailureCode.STATUS_CHECK_ERROR,
                "the job could not be advanced: " + note)), 0);
    }

    private Step poll(Job job) {
        Instant now = clock.instant();
        Job counted = job.toBuilder().pollCount(job.pollCount() + 1).lastCheckedAt(now).updatedAt(now).build();
        KlingTask task;
        try {
            task = kling.query(job.klingTaskId());
        } catch (KlingException e) {
            // Kling holds (and charges for) the task whatever its status route says now: an outage, a
            // throttle, even a refused key is a reason to look again later, never to fail the job.
            if (e instanceof KlingAccountException || e.code().matches("100[0-2]")) {
                LOG.error("job.check.account_problem", "alert", "KLING_ACCOUNT", "jobId", job.jobId(),
                        "klingCode", e.code(), "message", e.getMessage());
            }
            LOG.warn("job.check.kling_error", "jobId", job.jobId(), "klingCode", e.code(), "message", e.getMessage());
            // the job shows Kling's code only: the message may be transport text (hosts, addresses)
            return checkFailed(counted, "Kling " + e.code());
        }
        Job checked = counted.toBuilder()
                .klingStatus(task.rawStatus())
                .lastError(null)
                .build();
        return switch (task.status()) {
            case SUBMITTED, PROCESSING -> stillRunning(checked, task, now);
            case SUCCEEDED -> succeeded(checked, task);
            case FAILED -> {
                String reason = task.statusMessage() == null || task.statusMessage().isBlank()
                        ? "Kling reported the task as failed without a reason"
                        : task.statusMessage();
                Job failed = finish(checked.toBuilder().unitsDeducted(task.unitsDeducted()).build(),
                        JobStatus.FAILED, new Failure(FailureCode.KLING_TASK_FAILED, reason));
                yield Step.of(failed, 0);
            }
        };
    }

    /**
     * A check that learnt nothing (Kling did not answer, or the video could not be copied yet): the job
     * keeps waiting, backing off as the poll policy does, until the poll limit.
     */
    private Step checkFailed(Job checked, String error) {
        Instant now = clock.instant();
        Duration elapsed = Duration.between(checked.submittedAt() == null ? checked.createdAt() : checked.submittedAt(), now);
        OptionalLong wait = pollPolicy.nextWaitSeconds(checked.pollCount(), elapsed);
        String text = truncate(error);
        if (wait.isEmpty()) {
            return Step.of(finish(checked, JobStatus.TIMED_OUT, new Failure(FailureCode.POLL_LIMIT,
                    "Kling had not finished after " + pollPolicy.maxTotal().toMinutes() + " minutes (last status: "
                            + checked.klingStatus() + ", task " + checked.klingTaskId() + "; the last check failed: "
                            + text + ")")), 0);
        }
        Job waiting = store.update(checked.toBuilder().lastError(text).build());
        LOG.warn("job.check.failed", "jobId", waiting.jobId(), "klingTaskId", waiting.klingTaskId(),
                "error", text, "pollCount", waiting.pollCount(), "waitSeconds", wait.getAsLong());
        return Step.of(waiting, wait.getAsLong());
    }

    private Step stillRunning(Job checked, KlingTask task, Instant now) {
        Duration elapsed = Duration.between(checked.submittedAt() == null ? checked.createdAt() : checked.submittedAt(), now);
        OptionalLong wait = pollPolicy.nextWaitSeconds(checked.pollCount(), elapsed);
        if (wait.isEmpty()) {
            Job timedOut = finish(checked, JobStatus.TIMED_OUT, new Failure(FailureCode.POLL_LIMIT,
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
            return Step.of(finish(checked, JobStatus.FAILED, new Failure(FailureCode.KLING_NO_VIDEO,
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
            LOG.warn("job.video.copy_failed", "jobId", ended.jobId(), "klingTaskId", task.taskId(),
                    "error", e.getMessage());
            return checkFailed(ended, "the video of task " + task.taskId() + " could not be copied yet");
        } catch (MediaTooLargeException e) {
            return Step.of(finish(ended, JobStatus.FAILED, new Failure(FailureCode.VIDEO_TOO_LARGE, "Kling's video for task "
                    + task.taskId() + " is larger than the pipeline copies; it stays at Kling for 30 days")), 0);
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

    /** What kind of error the check met, in words that reveal nothing of the deployment. */
    private static String publicKind(String error) {
        if (error == null) {
            return "an error";
        }
        if (error.startsWith("States.Timeout")) {
            return "it timed out";
        }
        return "an internal error";
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "...";
    }
}
