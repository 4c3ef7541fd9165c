package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.JobNotFoundException;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;

/**
 * Admits a job once and hands it to the slot governor, which queues it and starts it when a Kling slot
 * is free. Shared by uploads and the API, so both paths admit and follow jobs the same way; neither
 * talks to Kling.
 */
public final class JobLauncher {
    private static final JsonLog LOG = JsonLog.of(JobLauncher.class);

    private final JobStore store;
    private final SlotGovernor governor;

    public JobLauncher(JobStore store, SlotGovernor governor) {
        this.store = store;
        this.governor = governor;
    }

    /**
     * The job as admitted, or the one already stored under its id.
     *
     * @param created false when the id was taken: nothing new was charged or started
     */
    public record Launch(Job job, boolean created) {
    }

    /**
     * Stores a new job (QUEUED to be sent, or FAILED when its input was rejected) unless its id exists,
     * then queues it. A repeat finds the stored job and makes sure it is followed.
     */
    public Launch launch(Job job) {
        if (!store.create(job)) {
            Job existing = store.find(job.jobId()).orElseThrow(() -> new JobNotFoundException(job.jobId()));
            LOG.info("job.duplicate", "jobId", job.jobId(), "status", existing.status());
            resume(existing);
            return new Launch(existing, false);
        }
        LOG.info("job.admitted", "jobId", job.jobId(), "status", job.status(), "origin", job.origin(),
                "priority", job.priority().word(), "image", job.image());
        if (job.status() == JobStatus.QUEUED) {
            governor.admit(job);
        }
        return new Launch(job, true);
    }

    /**
     * Makes sure a job found again (a repeated event or request) is followed: a first delivery may have
     * stopped between admission and queueing, or its execution may have failed to start.
     */
    public void resume(Job existing) {
        governor.ensureFollowed(existing);
    }
}
