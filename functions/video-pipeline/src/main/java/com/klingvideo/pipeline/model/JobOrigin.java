package com.klingvideo.pipeline.model;

/** How a job entered the pipeline. */
public enum JobOrigin {
    /** An image dropped under the bucket's input prefix. */
    UPLOAD,
    /** A {@code POST /jobs} request. */
    API
}
