package com.klingvideo.pipeline.domain.failure;

import com.klingvideo.pipeline.domain.FieldError;
import java.util.List;

/** A request the pipeline will not take, with every problem found. */
public class InvalidJobRequestException extends RuntimeException {
    private final List<FieldError> errors;

    public InvalidJobRequestException(List<FieldError> errors) {
        super(FieldError.describe(errors));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
