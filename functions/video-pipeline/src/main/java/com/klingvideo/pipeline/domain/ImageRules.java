package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.InvalidImageException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Kling's rules for an input image (start or end frame): JPEG or PNG, at most 10 MiB, each side at
 * least 300 px, aspect ratio (width / height) from 1:2.5 to 2.5:1 inclusive. Checking here costs
 * nothing; a task Kling rejects later costs a round trip and, for some failures, credits.
 */
public final class ImageRules {

    /** 10 MiB: Kling's "10 MB", read as binary megabytes. */
    public static final long MAX_BYTES = 10L * 1024 * 1024;
    public static final int MIN_SIDE_PX = 300;

    /** The aspect ratio limit 2.5 as the fraction 5/2, so that the bounds are compared exactly. */
    private static final int RATIO_NUMERATOR = 5;
    private static final int RATIO_DENOMINATOR = 2;

    private ImageRules() {
    }

    /**
     * Every rule the image breaks, or an empty list. The format rule is already met: {@link ImageFacts}
     * only exists for JPEG and PNG, anything else fails in {@link ImageInspector} (see {@link #unreadable}).
     *
     * @param field     the name to report errors under: {@code image} or {@code imageTail}
     * @param facts     what {@link ImageInspector} read from the content
     * @param sizeBytes the size of the whole content
     */
    public static List<FieldError> check(String field, ImageFacts facts, long sizeBytes) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(facts, "facts");
        List<FieldError> errors = new ArrayList<>();
        tooLarge(field, sizeBytes).ifPresent(errors::add);
        long width = facts.width();
        long height = facts.height();
        if (width < MIN_SIDE_PX || height < MIN_SIDE_PX) {
            errors.add(new FieldError(field, field + " is " + width + "x" + height + " px; each side must be at least "
                    + MIN_SIDE_PX + " px"));
        }
        boolean tooWide = width * RATIO_DENOMINATOR > height * RATIO_NUMERATOR;
        boolean tooTall = height * RATIO_DENOMINATOR > width * RATIO_NUMERATOR;
        if (tooWide || tooTall) {
            String ratio = tooWide ? ratio(width, height) + ":1" : "1:" + ratio(height, width);
            errors.add(new FieldError(field, field + " aspect ratio " + ratio + " is outside 1:2.5 to 2.5:1"));
        }
        return List.copyOf(errors);
    }

    /** The size rule alone, checked before any content is read. */
    public static Optional<FieldError> tooLarge(String field, long sizeBytes) {
        return sizeBytes <= MAX_BYTES ? Optional.empty() : Optional.of(new FieldError(field, field + " is " + sizeBytes
                + " bytes; at most " + MAX_BYTES + " bytes (10 MiB) are accepted"));
    }

    /** The error for content that could not be read as an image at all. */
    public static FieldError unreadable(String field, InvalidImageException e) {
        return new FieldError(field, field + " is not a usable image: " + e.getMessage());
    }

    /** Rounded up, so that a ratio just past the limit never prints as the limit itself (2.503 as 2.51, not 2.50). */
    private static String ratio(long longer, long shorter) {
        return BigDecimal.valueOf(longer).divide(BigDecimal.valueOf(shorter), 2, RoundingMode.UP).toPlainString();
    }
}
