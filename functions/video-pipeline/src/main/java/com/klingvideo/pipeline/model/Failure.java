package com.klingvideo.pipeline.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a job ended without a video.
 *
 * @param failureCode what kind of failure, from the one list of them
 * @param klingCode   Kling's own code when {@code failureCode} is {@link FailureCode#KLING_REFUSED}, else null
 * @param reason      for people: precise enough to fix the input or the account
 */
public record Failure(FailureCode failureCode, String klingCode, String reason) {

    public Failure {
        Objects.requireNonNull(failureCode, "failureCode");
        if (failureCode.carriesKlingCode() != (klingCode != null && !klingCode.isBlank())) {
            throw new IllegalArgumentException(failureCode + (failureCode.carriesKlingCode()
                    ? " needs Kling's code" : " carries no Kling code") + ": " + klingCode);
        }
    }

    /** A failure that is not a refusal by Kling. */
    public Failure(FailureCode failureCode, String reason) {
        this(failureCode, null, reason);
    }

    /** Kling refused the request with its code {@code klingCode} ({@code "1301"}). */
    public static Failure klingRefused(String klingCode, String reason) {
        return new Failure(FailureCode.KLING_REFUSED, klingCode, reason);
    }

    /** A failure as stored and answered, from its {@link #code()}; empty when the code is none of ours. */
    public static Optional<Failure> fromCode(String code, String reason) {
        return FailureCode.ofWire(code).map(failureCode -> new Failure(failureCode,
                failureCode.carriesKlingCode() ? FailureCode.klingCodeOf(code) : null, reason));
    }

    /**
     * Stable and machine-readable, as stored ({@code failureCode}) and answered: the {@link FailureCode}'s
     * name, or {@code KLING_<code>} for a refusal ({@code KLING_1301}).
     */
    public String code() {
        return failureCode.wireCode(klingCode);
    }
}
