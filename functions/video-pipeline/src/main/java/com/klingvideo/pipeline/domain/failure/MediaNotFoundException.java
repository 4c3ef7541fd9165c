package com.klingvideo.pipeline.domain.failure;

import com.klingvideo.pipeline.model.S3Location;

/** The object a job refers to is not (or no longer) in the bucket. */
public class MediaNotFoundException extends RuntimeException {
    public MediaNotFoundException(S3Location location) {
        super(location + " does not exist");
    }
}
