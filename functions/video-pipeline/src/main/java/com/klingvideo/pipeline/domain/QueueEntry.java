package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.Priority;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A job waiting for a Kling slot. The queue is ordered by {@link #ORDER}: priority, then admission
 * time, then job id, so two jobs never tie and a job put back keeps its place.
 *
 * @param admittedAt when the job was admitted (its {@code createdAt}); the queue age counts from here
 * @param starts     executions already started for the job (0 until it first gets a slot); the next one
 *                   is number {@code starts + 1}
 */
public record QueueEntry(String jobId, Priority priority, Instant admittedAt, int starts) {
    public static final Comparator<QueueEntry> ORDER = Comparator.comparing(QueueEntry::priority)
            .thenComparing(QueueEntry::admittedAt)
            .thenComparing(QueueEntry::jobId);

    public QueueEntry {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(admittedAt, "admittedAt");
        if (starts < 0) {
            throw new IllegalArgumentException("starts must not be negative");
        }
    }

    /** The entry of a job that has started {@code starts} executions so far. */
    public static QueueEntry of(Job job, int starts) {
        return new QueueEntry(job.jobId(), job.priority(), job.createdAt(), starts);
    }
}
