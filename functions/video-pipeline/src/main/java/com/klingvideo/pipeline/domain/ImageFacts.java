package com.klingvideo.pipeline.domain;

import java.util.Objects;

/**
 * What an image's header says about it, read from its content (never from its name).
 *
 * @param width  pixels, at least 1
 * @param height pixels, at least 1
 */
public record ImageFacts(ImageFormat format, int width, int height) {
    public ImageFacts {
        Objects.requireNonNull(format, "format");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, was " + width + "x" + height);
        }
    }
}
