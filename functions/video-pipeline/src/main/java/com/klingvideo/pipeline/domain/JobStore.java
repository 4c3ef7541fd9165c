package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.ConcurrentJobUpdateException;
import com.klingvideo.pipeline.domain.failure.InvalidPageTokenException;
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
     * Recent jobs, whoever owns them, newest first; with a status, only jobs in that status (for
     * operators and repairs, never for API callers).
     *
     * @param nextToken a token from a previous page, or null
     * @throws InvalidPageTokenException when the token is not one this store issued
     */
    JobPage list(JobStatus status, int limit, String nextToken);

    /**
     * One API caller's jobs, newest first; with a status, only jobs in that status. A page may hold fewer
     * than {@code limit} jobs and still have a next one.
     *
     * @param owner     the caller's id, as recorded on its jobs
     * @param status    null for every status
     * @param nextToken a token from a previous page of the same owner, or null
     * @throws InvalidPageTokenException when the token is not one this store issued for this owner
     */
    JobPage listOwned(String owner, JobStatus status, int limit, String nextToken);
}
