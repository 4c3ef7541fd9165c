package com.klingvideo.pipeline.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The image formats Kling accepts, with the file name suffixes an upload of each may have. This is the
 * one list of image suffixes: the upload intake, the API's stored copies and the README follow it.
 */
public enum ImageFormat {
    JPEG("image/jpeg", ".jpg", ".jpeg"),
    PNG("image/png", ".png");

    private final String contentType;
    private final List<String> suffixes;

    ImageFormat(String contentType, String... suffixes) {
        this.contentType = contentType;
        this.suffixes = List.of(suffixes);
    }

    public String contentType() {
        return contentType;
    }

    /** Lower-case suffixes, the usual one first. */
    public List<String> suffixes() {
        return suffixes;
    }

    /** Every image suffix of every format, lower case. */
    public static List<String> allSuffixes() {
        return Arrays.stream(values()).flatMap(format -> format.suffixes.stream()).toList();
    }

    /** The format a key's suffix names, in any case ({@code .jpg}, {@code .JPG}, {@code .Jpg}); empty for none. */
    public static Optional<ImageFormat> ofKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(format -> format.suffixes.stream().anyMatch(lower::endsWith)).findFirst();
    }
}
