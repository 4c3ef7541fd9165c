package com.klingvideo.pipeline.domain.failure;

/** A job changed between read and write; the writer should re-read and decide again. */
public class ConcurrentJobUpdateException extends RuntimeException {
    public ConcurrentJobUpdateException(String jobId) {
        super("job " + jobId + " was changed concurrently");
    }
}
