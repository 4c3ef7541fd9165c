package com.klingvideo.pipeline.domain;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What Kling's image-to-video route accepts, one row per model: the only list of models, modes and
 * durations in the function code, and of the combinations that take an end frame ({@code image_tail}).
 * A request outside it is refused by Kling at create time (1201), so it is refused here first.
 *
 * <p>Both dialects refuse the same combinations: a gateway prices mode and duration ({@code std}/{@code pro},
 * {@code "5"}/{@code "10"}) before it forwards a request, and Kling refuses an end frame the model,
 * mode or duration does not support. A gateway also refuses an end frame without a start frame, which this
 * product never sends (a start image is always required). {@code cfg_scale} is never refused: v2.x and
 * later models ignore it.
 *
 * <p>End frames, from Kling's capability map: kling-v1 with 5 s only (std or pro); kling-v1-5, kling-v1-6,
 * kling-v2-1, kling-v2-5-turbo and kling-v2-6 in pro mode only; kling-v3 in both modes; kling-v2-master and
 * kling-v2-1-master not at all.
 */
public final class ModelCapabilities {

    /**
     * One model's row.
     *
     * @param model      the {@code model_name} Kling knows
     * @param modes      the modes it runs in
     * @param durations  the video lengths it makes, in seconds, as Kling spells them
     * @param imageTail  the mode and duration combinations that take an end frame; empty when none does
     */
    public record Row(String model, List<String> modes, List<String> durations, Set<Combination> imageTail) {
        public Row {
            Objects.requireNonNull(model, "model");
            modes = List.copyOf(modes);
            durations = List.copyOf(durations);
            imageTail = Set.copyOf(imageTail);
        }

        public boolean takesImageTail(String mode, String duration) {
            return imageTail.contains(new Combination(mode, duration));
        }
    }

    /** A mode and a duration, for example {@code pro} and {@code "5"}. */
    public record Combination(String mode, String duration) {
        @Override
        public String toString() {
            return mode + " " + duration + " s";
        }
    }

    private static final List<String> MODES = List.of("std", "pro");
    private static final List<String> DURATIONS = List.of("5", "10");
    private static final Set<Combination> NONE = Set.of();
    private static final Set<Combination> FIVE_SECONDS = Set.of(
            new Combination("std", "5"), new Combination("pro", "5"));
    private static final Set<Combination> PRO = Set.of(
            new Combination("pro", "5"), new Combination("pro", "10"));
    private static final Set<Combination> ALL = Set.of(
            new Combination("std", "5"), new Combination("std", "10"),
            new Combination("pro", "5"), new Combination("pro", "10"));

    /** Oldest first; Kling's default model ({@code kling-v1}) is the first. */
    public static final List<Row> ROWS = List.of(
            new Row("kling-v1", MODES, DURATIONS, FIVE_SECONDS),
            new Row("kling-v1-5", MODES, DURATIONS, PRO),
            new Row("kling-v1-6", MODES, DURATIONS, PRO),
            new Row("kling-v2-master", MODES, DURATIONS, NONE),
            new Row("kling-v2-1", MODES, DURATIONS, PRO),
            new Row("kling-v2-1-master", MODES, DURATIONS, NONE),
            new Row("kling-v2-5-turbo", MODES, DURATIONS, PRO),
            new Row("kling-v2-6", MODES, DURATIONS, PRO),
            new Row("kling-v3", MODES, DURATIONS, ALL));

    private ModelCapabilities() {
    }

    /** Every model name, in table order. */
    public static List<String> models() {
        return ROWS.stream().map(Row::model).toList();
    }

    /** Every mode some model runs in, in table order. */
    public static List<String> modes() {
        return union(Row::modes);
    }

    /** Every duration some model makes, in table order. */
    public static List<String> durations() {
        return union(Row::durations);
    }

    public static Optional<Row> row(String model) {
        return ROWS.stream().filter(row -> row.model().equals(model)).findFirst();
    }

    /**
     * Why Kling would refuse an end frame for this combination, or empty when it takes one.
     *
     * @param row a row of this table
     */
    public static Optional<FieldError> imageTailRefusal(Row row, String mode, String duration) {
        if (row.takesImageTail(mode, duration)) {
            return Optional.empty();
        }
        if (row.imageTail().isEmpty()) {
            String others = ROWS.stream().filter(r -> !r.imageTail().isEmpty()).map(Row::model)
                    .collect(Collectors.joining(", "));
            return Optional.of(new FieldError("imageTail", "imageTail (an end frame) is not supported by "
                    + row.model() + "; models that take one: " + others));
        }
        String supported = sorted(row.imageTail()).stream().map(Combination::toString)
                .collect(Collectors.joining(", "));
        return Optional.of(new FieldError("imageTail", "imageTail (an end frame) is not supported by " + row.model()
                + " with mode " + mode + " and duration " + duration + "; it takes one with: " + supported));
    }

    /** Mode by mode, then duration by duration, in the order the rows list them. */
    private static List<Combination> sorted(Set<Combination> combinations) {
        return MODES.stream().flatMap(mode -> DURATIONS.stream().map(duration -> new Combination(mode, duration)))
                .filter(combinations::contains).toList();
    }

    private static List<String> union(Function<Row, List<String>> column) {
        Set<String> values = new LinkedHashSet<>();
        ROWS.forEach(row -> values.addAll(column.apply(row)));
        return List.copyOf(values);
    }
}
