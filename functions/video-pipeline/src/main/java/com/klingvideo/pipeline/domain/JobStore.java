package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobPage;
import com.klingvideo.pipeline.model.JobStatus;
import java.util.Optional;

/** Where jobs live. Every write is conditional: nothing is admitted twice and no update is lost. */
public interface JobStore {

    /** Stores a new job as given; false (and nothing written) when a job with its id exists. */
    boolean create(Job job);

    Optional<Job> find(String jobId);

    /**
     * Replaces the stored job if its version still equals {@code job.version()}, and returns what was
     * stored (same content, version + 1).
     *
     * @throws ConcurrentJobUpdateException when someone else changed the job first
     */
    Job update(Job job);

    /**
     * Recent jobs, newest first; with a status, only jobs in that status.
     *
     * @param nextToken a token from a previous page, or null
     * @throws InvalidPageTokenException when the token is not one this store issued
     */
    JobPage list(JobStatus status, int limit, String nextToken);
}
