package com.klingvideo.pipeline.domain;

import java.util.List;
import java.util.Objects;

/**
 * Either a valid value or every problem found with the input, never both.
 *
 * @param <T> the type of the valid value
 */
public final class ValidationResult<T> {
    private final T value;
    private final List<FieldError> errors;

    private ValidationResult(T value, List<FieldError> errors) {
        this.value = value;
        this.errors = errors;
    }

    public static <T> ValidationResult<T> valid(T value) {
        return new ValidationResult<>(Objects.requireNonNull(value, "value"), List.of());
    }

    /** @param errors at least one */
    public static <T> ValidationResult<T> invalid(List<FieldError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an invalid result needs at least one error");
        }
        return new ValidationResult<>(null, List.copyOf(errors));
    }

    public boolean isValid() {
        return errors.isEmpty();
    }

    /** @throws IllegalStateException when invalid: read {@link #errors()} instead */
    public T value() {
        if (!isValid()) {
            throw new IllegalStateException("no value, the input has errors: " + errors);
        }
        return value;
    }

    /** Empty when valid. */
    public List<FieldError> errors() {
        return errors;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValidationResult<?> other && Objects.equals(value, other.value) && errors.equals(other.errors);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, errors);
    }

    @Override
    public String toString() {
        return isValid() ? "ValidationResult[valid " + value + "]" : "ValidationResult[invalid " + errors + "]";
    }
}
