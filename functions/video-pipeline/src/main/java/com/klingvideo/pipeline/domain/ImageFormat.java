package com.klingvideo.pipeline.domain;

/** The image formats Kling accepts. */
public enum ImageFormat {
    JPEG,
    PNG
}
