package com.klingvideo.pipeline.domain;

/** Kling's task lifecycle, normalised across dialects. */
public enum KlingTaskStatus {
    SUBMITTED,
    PROCESSING,
    SUCCEEDED,
    FAILED
}
