package com.klingvideo.pipeline.domain.failure;

/** No job with this id. */
public class JobNotFoundException extends RuntimeException {
    public JobNotFoundException(String jobId) {
        super("no job " + jobId);
    }
}
