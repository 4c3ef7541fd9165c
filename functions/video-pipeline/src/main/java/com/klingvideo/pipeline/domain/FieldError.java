package com.klingvideo.pipeline.domain;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One problem with one input field, worded for the person who has to fix it.
 *
 * @param field   the name the caller used: an API JSON name ({@code cfgScale}) or {@code image} / {@code imageTail}
 * @param message a complete sentence fragment that starts with the field name and says what is wrong and what is allowed
 * @param code    a stable code for problems a program may want to tell apart ({@value #IMAGE_URL_UNAVAILABLE}), or null
 */
public record FieldError(String field, String message, String code) {
    /** An image URL that could not be fetched, for whatever reason (the same for all, on purpose). */
    public static final String IMAGE_URL_UNAVAILABLE = "IMAGE_URL_UNAVAILABLE";

    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    public FieldError(String field, String message) {
        this(field, message, null);
    }

    /** All messages in one line, for a job's failure reason. Messages already start with their field. */
    public static String describe(List<FieldError> errors) {
        return errors.stream().map(FieldError::message).collect(Collectors.joining("; "));
    }
}
