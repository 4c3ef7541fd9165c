package com.klingvideo.pipeline.model;

import java.util.List;

/**
 * One page of a job listing, newest first.
 *
 * @param nextToken opaque token for the next page, or null on the last page
 */
public record JobPage(List<Job> jobs, String nextToken) {
    public JobPage {
        jobs = List.copyOf(jobs);
    }
}
