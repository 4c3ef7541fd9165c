package com.klingvideo.pipeline.fakes;

import com.klingvideo.pipeline.domain.JobStore;
import com.klingvideo.pipeline.domain.failure.ConcurrentJobUpdateException;
import com.klingvideo.pipeline.domain.failure.InvalidPageTokenException;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobPage;
import com.klingvideo.pipeline.model.JobStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A JobStore with DynamoDbJobStore's conditions (create once, versioned updates), in memory. */
public final class InMemoryJobStore implements JobStore {
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final List<Job> writes = new ArrayList<>();

    @Override
    public synchronized boolean create(Job job) {
        if (jobs.containsKey(job.jobId())) {
            return false;
        }
        jobs.put(job.jobId(), job);
        writes.add(job);
        return true;
    }

    @Override
    public Optional<Job> find(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public synchronized Job update(Job job) {
        Job current = jobs.get(job.jobId());
        if (current == null || current.version() != job.version()) {
            throw new ConcurrentJobUpdateException(job.jobId());
        }
        Job stored = job.toBuilder().version(job.version() + 1).build();
        jobs.put(job.jobId(), stored);
        writes.add(stored);
        return stored;
    }

    @Override
    public JobPage list(JobStatus status, int limit, String nextToken) {
        return page(jobs.values().stream().filter(j -> status == null || j.status() == status).toList(), limit,
                nextToken);
    }

    @Override
    public JobPage listOwned(String owner, JobStatus status, int limit, String nextToken) {
        return page(jobs.values().stream()
                .filter(j -> owner.equals(j.owner()) && (status == null || j.status() == status))
                .toList(), limit, nextToken);
    }

    private static JobPage page(List<Job> jobs, int limit, String nextToken) {
        int offset;
        try {
            offset = nextToken == null ? 0 : Integer.parseInt(nextToken);
        } catch (NumberFormatException e) {
            throw new InvalidPageTokenException("invalid page token: " + nextToken);
        }
        List<Job> matching = jobs.stream()
                .sorted(Comparator.comparing(Job::createdAt).reversed())
                .toList();
        int end = Math.min(matching.size(), offset + limit);
        return new JobPage(matching.subList(Math.min(offset, end), end), end < matching.size() ? String.valueOf(end) : null);
    }

    /** The stored job; fails the test if there is none. */
    public Job get(String jobId) {
        return find(jobId).orElseThrow(() -> new AssertionError("no job " + jobId));
    }

    public List<Job> all() {
        return List.copyOf(jobs.values());
    }

    /** Every version written, in order. */
    public synchronized List<Job> writes() {
        return List.copyOf(writes);
    }
}
