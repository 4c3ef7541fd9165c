package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelCapabilitiesTest {

    @Test
    void rows_should_listEveryModelKlingAcceptsOnImageToVideo_when_read() {
        // GIVEN / WHEN / THEN one row per model, oldest first, each with both modes and both durations
        assertThat(ModelCapabilities.models()).containsExactly("kling-v1", "kling-v1-5", "kling-v1-6",
                "kling-v2-master", "kling-v2-1", "kling-v2-1-master", "kling-v2-5-turbo", "kling-v2-6", "kling-v3");
        assertThat(ModelCapabilities.ROWS).allSatisfy(row -> {
            assertThat(row.modes()).as(row.model()).containsExactly("std", "pro");
            assertThat(row.durations()).as(row.model()).containsExactly("5", "10");
        });
        assertThat(ModelCapabilities.modes()).containsExactly("std", "pro");
        assertThat(ModelCapabilities.durations()).containsExactly("5", "10");
    }

    @ParameterizedTest(name = "{0} {1} {2} s takes an end frame: {3}")
    @CsvSource({
            "kling-v1, std, 5, true", "kling-v1, std, 10, false", "kling-v1, pro, 5, true", "kling-v1, pro, 10, false",
            "kling-v1-5, std, 5, false", "kling-v1-5, std, 10, false", "kling-v1-5, pro, 5, true", "kling-v1-5, pro, 10, true",
            "kling-v1-6, std, 5, false", "kling-v1-6, std, 10, false", "kling-v1-6, pro, 5, true", "kling-v1-6, pro, 10, true",
            "kling-v2-master, std, 5, false", "kling-v2-master, std, 10, false",
            "kling-v2-master, pro, 5, false", "kling-v2-master, pro, 10, false",
            "kling-v2-1, std, 5, false", "kling-v2-1, std, 10, false", "kling-v2-1, pro, 5, true", "kling-v2-1, pro, 10, true",
            "kling-v2-1-master, std, 5, false", "kling-v2-1-master, std, 10, false",
            "kling-v2-1-master, pro, 5, false", "kling-v2-1-master, pro, 10, false",
            "kling-v2-5-turbo, std, 5, false", "kling-v2-5-turbo, std, 10, false",
            "kling-v2-5-turbo, pro, 5, true", "kling-v2-5-turbo, pro, 10, true",
            "kling-v2-6, std, 5, false", "kling-v2-6, std, 10, false", "kling-v2-6, pro, 5, true", "kling-v2-6, pro, 10, true",
            "kling-v3, std, 5, true", "kling-v3, std, 10, true", "kling-v3, pro, 5, true", "kling-v3, pro, 10, true"})
    void imageTailRefusal_should_matchKlingsCapabilityMap_when_askedForEveryCombination(
            String model, String mode, String duration, boolean takesTail) {
        // GIVEN
        ModelCapabilities.Row row = ModelCapabilities.row(model).orElseThrow();

        // WHEN
        Optional<FieldError> refusal = ModelCapabilities.imageTailRefusal(row, mode, duration);

        // THEN
        assertThat(row.takesImageTail(mode, duration)).isEqualTo(takesTail);
        assertThat(refusal.isEmpty()).isEqualTo(takesTail);
        refusal.ifPresent(error -> assertThat(error.field()).isEqualTo("imageTail"));
    }

    @Test
    void imageTailRefusal_should_nameTheModelsThatTakeOne_when_modelTakesNone() {
        // GIVEN / WHEN
        FieldError error = ModelCapabilities.imageTailRefusal(ModelCapabilities.row("kling-v2-master").orElseThrow(),
                "pro", "5").orElseThrow();

        // THEN
        assertThat(error.message()).isEqualTo("imageTail (an end frame) is not supported by kling-v2-master; models"
                + " that take one: kling-v1, kling-v1-5, kling-v1-6, kling-v2-1, kling-v2-5-turbo, kling-v2-6, kling-v3");
    }

    @Test
    void imageTailRefusal_should_nameTheCombinationsThatWork_when_modeOrDurationIsWrong() {
        // GIVEN / WHEN
        FieldError std = ModelCapabilities.imageTailRefusal(ModelCapabilities.row("kling-v1-6").orElseThrow(),
                "std", "5").orElseThrow();
        FieldError tenSeconds = ModelCapabilities.imageTailRefusal(ModelCapabilities.row("kling-v1").orElseThrow(),
                "pro", "10").orElseThrow();

        // THEN
        assertThat(std.message()).isEqualTo("imageTail (an end frame) is not supported by kling-v1-6 with mode std"
                + " and duration 5; it takes one with: pro 5 s, pro 10 s");
        assertThat(tenSeconds.message()).isEqualTo("imageTail (an end frame) is not supported by kling-v1 with mode"
                + " pro and duration 10; it takes one with: std 5 s, pro 5 s");
    }

    @Test
    void row_should_beEmpty_when_modelIsUnknown() {
        assertThat(ModelCapabilities.row("kling-v9")).isEmpty();
        assertThat(ModelCapabilities.ROWS).extracting(ModelCapabilities.Row::model).doesNotHaveDuplicates();
        assertThat(List.copyOf(ModelCapabilities.models())).isEqualTo(ModelCapabilities.models());
    }
}
