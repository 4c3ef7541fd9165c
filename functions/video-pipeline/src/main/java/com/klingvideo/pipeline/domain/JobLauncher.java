package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;

/**
 * Admits a job once and hands it over: first submission to Kling, then the wait-and-check workflow.
 * Shared by uploads and the API so that both paths admit, submit and follow jobs the same way.
 */
public final class JobLauncher {
    private static final JsonLog LOG = JsonLog.of(JobLauncher.class);

    private final JobStore store;
    private final JobSubmitter submitter;
    private final Workflow workflow;
    private final PipelineSettings settings;

    public JobLauncher(JobStore store, JobSubmitter submitter, Workflow workflow, PipelineSettings settings) {
        this.store = store;
        this.submitter = submitter;
        this.workflow = workflow;
        this.settings = settings;
    }

    /**
     * The job as launched, or the one already stored under its id.
     *
     * @param created false when the id was taken: nothing new was charged or started
     */
    public record Launch(Job job, boolean created) {
    }

    /**
     * Stores a new job (QUEUED to be sent, or FAILED when its input was rejected) unless its id exists,
     * then submits it and starts following it.
     */
    public Launch launch(Job job) {
        if (!store.create(job)) {
            Job existing = store.find(job.jobId()).orElseThrow(() -> new JobNotFoundException(job.jobId()));
            LOG.info("job.duplicate", "jobId", job.jobId(), "status", existing.status());
            resume(existing);
            return new Launch(existing, false);
        }
        LOG.info("job.admitted", "jobId", job.jobId(), "status", job.status(), "origin", job.origin(),
                "image", job.image());
        if (job.status() != JobStatus.QUEUED) {
            return new Launch(job, true);
        }
        JobSubmitter.Outcome outcome = submitter.submit(job);
        if (!outcome.job().status().isTerminal()) {
            workflow.start(job.jobId(), outcome.waitSeconds());
        }
        return new Launch(outcome.job(), true);
    }

    /**
     * Makes sure a live job is followed. A repeated event may find a job whose first delivery stopped
     * between admission and starting the workflow; starting it again is harmless (same execution name).
     * The wait lets an attempt still in flight from the first delivery finish first.
     */
    public void resume(Job existing) {
        if (!existing.status().isTerminal()) {
            workflow.start(existing.jobId(), settings.resumeWait().toSeconds());
        }
    }
}
