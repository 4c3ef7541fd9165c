package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.KlingAccountException;
import com.klingvideo.pipeline.domain.failure.KlingException;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import com.klingvideo.pipeline.domain.failure.KlingTaskExistsException;
import com.klingvideo.pipeline.domain.failure.MediaNotFoundException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Failure;
import com.klingvideo.pipeline.model.FailureCode;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.S3Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Sends a QUEUED job that holds a Kling slot to Kling: the first step of the execution the slot governor
 * started for it, then again from the poll loop while Kling is down or rate-limited.
 *
 * <p>Never creates a task twice: the attempt is recorded ({@code submitUnconfirmed}) before the request
 * leaves, and an attempt whose outcome is unknown (timeout, server error) is followed by a lookup by
 * external_task_id (= jobId) before anything is sent again. A gateway cannot look tasks up, so there
 * an unknown outcome fails the job rather than risk paying twice. A create refused because its
 * external_task_id exists (1201 "already exists") means an earlier attempt did reach Kling: the job
 * keeps looking the task up and follows it.
 *
 * <p>Never creates a task without a slot. When Kling says the account is full (1303) or cannot take
 * work (1100-1102), the slot is given back and the job returns to its place in the queue, still QUEUED:
 * capacity and account problems are waits, not failures. Outages (5xx, timeouts, 1302) keep the slot and
 * are retried with backoff until the submit deadline, counted from when the job got its slot.
 */
public final class JobSubmitter {
    /** Largest image sent inline as base64; Kling's own limit. */
    private static final int MAX_IMAGE_BYTES = (int) ImageRules.MAX_BYTES;
    /** Kling's business code for "parallel task over resource pack limit". */
    static final String CONCURRENCY_FULL = "1303";
    private static final JsonLog LOG = JsonLog.of(JobSubmitter.class);

    private final JobStore store;
    private final VideoGenerator kling;
    private final MediaStore media;
    private final SlotGovernor governor;
    private final SubmitRetryPolicy retryPolicy;
    private final PollPolicy pollPolicy;
    private final PipelineSettings settings;
    private final Clock clock;

    public JobSubmitter(JobStore store, VideoGenerator kling, MediaStore media, SlotGovernor governor,
            SubmitRetryPolicy retryPolicy, PollPolicy pollPolicy, PipelineSettings settings, Clock clock) {
        this.store = store;
        this.kling = kling;
        this.media = media;
        this.governor = governor;
        this.retryPolicy = retryPolicy;
        this.pollPolicy = pollPolicy;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The job after one submission attempt, and what comes next.
     *
     * @param waitSeconds before the first status check (SUBMITTED), before the next attempt (QUEUED); 0 when final
     * @param inQueue     the job waits in the queue for a slot again: the execution following it ends
     */
    public record Outcome(Job job, long waitSeconds, boolean inQueue) {
        static Outcome next(Job job, long waitSeconds) {
            return new Outcome(job, waitSeconds, false);
        }

        static Outcome backInQueue(Job job) {
            return new Outcome(job, 0, true);
        }
    }

    /** Tries to get Kling to accept a QUEUED job. */
    public Outcome submit(Job job) {
        if (job.status() != JobStatus.QUEUED) {
            throw new IllegalStateException("job " + job.jobId() + " is " + job.status() + ", not QUEUED");
        }
        Optional<SlotHold> held = governor.holdOf(job.jobId());
        if (held.isEmpty()) {
            // An execution of a job that holds no slot (a repeat, or one the queue took back): the job
            // waits in the queue, and a new execution follows it when it gets a slot.
            LOG.warn("job.submit.no_slot", "jobId", job.jobId());
            governor.waitInQueue(job);
            return Outcome.backInQueue(job);
        }
        SlotHold hold = held.get();
        Instant now = clock.instant();
        Duration remaining = timeLeft(hold);
        boolean expired = remaining.isNegative() || remaining.isZero();
        if (expired && !(job.submitUnconfirmed() && kling.supportsExternalLookup())) {
            return deadlinePassed(job);
        }
        try {
            if (job.submitUnconfirmed()) {
                if (!kling.supportsExternalLookup()) {
                    return fail(job, new Failure(FailureCode.SUBMIT_UNVERIFIABLE, "an earlier request to the Kling gateway "
                            + "ended without an answer and the gateway cannot look tasks up by external_task_id;"
                            + " not resubmitted so the task is not paid twice. Check the gateway's task list for "
                            + job.jobId()));
                }
                Optional<KlingTask> existing = kling.findByExternalId(job.jobId());
                if (existing.isPresent()) {
                    LOG.info("job.submit.recovered", "jobId", job.jobId(), "klingTaskId", existing.get().taskId());
                    return accepted(job, hold, existing.get());
                }
            }
            if (expired) {
                // the last lookup found nothing: no task of this job's is known to Kling
                return deadlinePassed(job);
            }
            VideoRequest request = request(job);
            Job attempting = store.update(job.toBuilder()
                    .submitAttempts(job.submitAttempts() + 1)
                    .submitUnconfirmed(true)
                    .updatedAt(now)
                    .build());
            return created(attempting, hold, request);
        } catch (MediaNotFoundException | MediaTooLargeException e) {
            return fail(job, new Failure(FailureCode.INVALID_INPUT, e.getMessage()));
        } catch (KlingRetryableException e) {
            if (expired) {
                return deadlinePassed(job);
            }
            return retryLater(job, e, job.submitUnconfirmed() || e.ambiguous(), remaining);
        }
    }

    /** What is left of the submit deadline, counted from when the job got its slot. */
    private Duration timeLeft(SlotHold hold) {
        return retryPolicy.deadline().minus(Duration.between(hold.takenAt(), clock.instant()));
    }

    private Outcome deadlinePassed(Job job) {
        String last = job.lastError() == null ? "" : "; last error: " + job.lastError();
        return fail(job, new Failure(FailureCode.SUBMIT_DEADLINE, "Kling did not accept the job within "
                + retryPolicy.deadline().toMinutes() + " minutes of it getting a slot" + last));
    }

    /**
     * How long a QUEUED job that holds a slot waits before its next attempt after a turn that failed
     * unexpectedly, or empty when it holds no slot or its submit deadline has passed.
     */
    public Optional<Long> retryWait(Job job) {
        Optional<SlotHold> hold = governor.holdOf(job.jobId());
        if (hold.isEmpty()) {
            return Optional.empty();
        }
        Duration remaining = timeLeft(hold.get());
        if (remaining.isNegative() || remaining.isZero()) {
            return Optional.empty();
        }
        return Optional.of(retryPolicy.delaySeconds(Math.max(1, job.submitAttempts()), remaining));
    }

    private Outcome created(Job attempting, SlotHold hold, VideoRequest request) {
        Instant now = clock.instant();
        Duration remaining = timeLeft(hold);
        try {
            return accepted(attempting, hold, kling.create(request));
        } catch (KlingRetryableException e) {
            if (CONCURRENCY_FULL.equals(e.code()) && !e.ambiguous()) {
                // Kling's answer is definite: nothing was created, and the account is full.
                Job waiting = store.update(confirmed(attempting).toBuilder()
                        .lastError(error(e)).updatedAt(now).build());
                governor.refused(waiting, hold);
                LOG.warn("job.submit.account_full", "jobId", waiting.jobId(), "klingCode", e.code(),
                        "message", e.getMessage());
                return Outcome.backInQueue(waiting);
            }
            return retryLater(attempting, e, e.ambiguous(), remaining);
        } catch (KlingAccountException e) {
            LOG.error("job.submit.account_problem", "alert", "KLING_ACCOUNT", "jobId", attempting.jobId(),
                    "klingCode", e.code(), "message", e.getMessage());
            Job waiting = store.update(confirmed(attempting).toBuilder()
                    .lastError(error(e)).updatedAt(now).build());
            governor.accountProblem(waiting, hold, e.code(), e.getMessage());
            return Outcome.backInQueue(waiting);
        } catch (KlingTaskExistsException e) {
            return taskExists(attempting, e, remaining);
        } catch (KlingRejectedException e) {
            return fail(confirmed(attempting), Failure.klingRefused(e.code(), e.getMessage()));
        }
    }

    /**
     * Kling refused the create because a task with this job's external_task_id exists: an earlier attempt
     * reached it. That task is the job's; the lookup that missed it came before Kling could show it. The
     * job keeps its slot and looks again after a wait; until a lookup finds the task, each turn sends the
     * create again, which Kling refuses as long as the task exists, so it cannot be paid twice.
     */
    private Outcome taskExists(Job attempting, KlingTaskExistsException e, Duration remaining) {
        if (!kling.supportsExternalLookup()) {
            return fail(confirmed(attempting), new Failure(FailureCode.SUBMIT_UNVERIFIABLE, "the Kling gateway says a task for "
                    + "this job already exists but cannot look tasks up by external_task_id; not resubmitted so it is"
                    + " not paid twice. Check the gateway's task list for " + attempting.jobId()));
        }
        LOG.warn("job.submit.task_exists", "jobId", attempting.jobId(), "klingCode", e.code());
        return retryLater(attempting, e, true, remaining);
    }

    private VideoRequest request(Job job) {
        String tail = job.imageTail() == null ? null : imageReference(job, job.imageTail());
        return new VideoRequest(job.jobId(), imageReference(job, job.image()), tail, job.parameters());
    }

    private String imageReference(Job job, S3Location location) {
        if (settings.imageTransport() == ImageTransport.URL) {
            return media.presignGet(location, settings.presignTtl()).toString();
        }
        try (InputStream in = media.open(location)) {
            byte[] bytes = in.readNBytes(MAX_IMAGE_BYTES + 1);
            if (bytes.length > MAX_IMAGE_BYTES) {
                throw new MediaTooLargeException(location.toString(), MAX_IMAGE_BYTES);
            }
            return Base64.getEncoder().encodeToString(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + location + " for job " + job.jobId(), e);
        }
    }

    private Outcome accepted(Job job, SlotHold hold, KlingTask task) {
        Instant now = clock.instant();
        Job submitted = store.update(job.toBuilder()
                .status(JobStatus.SUBMITTED)
                .klingTaskId(task.taskId())
                .klingStatus(task.rawStatus())
                .submittedAt(now)
                .submitUnconfirmed(false)
                .lastError(null)
                .updatedAt(now)
                .build());
        LOG.info("job.submitted", "jobId", job.jobId(), "klingTaskId", task.taskId(),
                "attempts", submitted.submitAttempts());
        governor.accepted(hold);
        return Outcome.next(submitted, pollPolicy.firstWaitSeconds(job.parameters(),
                governor.observedRunTime(job.parameters())));
    }

    private Outcome retryLater(Job job, KlingException e, boolean unconfirmed, Duration remaining) {
        Instant now = clock.instant();
        Job queued = store.update(job.toBuilder()
                .submitUnconfirmed(unconfirmed)
                .lastError(error(e))
                .updatedAt(now)
                .build());
        long wait = retryPolicy.delaySeconds(Math.max(1, queued.submitAttempts()), remaining);
        LOG.warn("job.submit.deferred", "jobId", job.jobId(), "klingCode", e.code(), "waitSeconds", wait,
                "attempts", queued.submitAttempts(), "unconfirmed", unconfirmed, "message", e.getMessage());
        return Outcome.next(queued, wait);
    }

    /**
     * What a waiting job shows of its latest error: Kling's code only. The message may be transport text
     * (hosts, addresses, proxies); it goes to the log.
     */
    private static String error(KlingException e) {
        return "Kling " + e.code();
    }

    private static Job confirmed(Job job) {
        return job.toBuilder().submitUnconfirmed(false).build();
    }

    private Outcome fail(Job job, Failure failure) {
        Instant now = clock.instant();
        Job failed = store.update(job.toBuilder()
                .status(JobStatus.FAILED)
                .failure(failure)
                .completedAt(now)
                .updatedAt(now)
                .build());
        LOG.warn("job.failed", "jobId", job.jobId(), "status", JobStatus.FAILED, "code", failure.code(),
                "reason", failure.reason());
        return Outcome.next(failed, 0);
    }
}
