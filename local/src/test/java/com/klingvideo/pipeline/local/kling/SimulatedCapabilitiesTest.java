package com.klingvideo.pipeline.local.kling;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.domain.ModelCapabilities;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The simulator keeps its own copy of what Kling accepts, so that an end-to-end test shows the pipeline
 * refusing first; this keeps the two copies equal.
 */
class SimulatedCapabilitiesTest {

    @Test
    void simulator_should_acceptExactlyWhatThePipelinesCapabilityTableAccepts() {
        Map<String, Set<String>> pipeline = new LinkedHashMap<>();
        ModelCapabilities.ROWS.forEach(row -> pipeline.put(row.model(), combinations(row.modes(), row.durations(),
                (mode, duration) -> row.takesImageTail(mode, duration))));
        Map<String, Set<String>> simulator = new LinkedHashMap<>();
        CreateRequest.MODELS.forEach(model -> simulator.put(model, combinations(CreateRequest.MODES,
                CreateRequest.DURATIONS, (mode, duration) -> CreateRequest.takesImageTail(model, mode, duration))));

        assertThat(simulator).containsExactlyEntriesOf(pipeline);
        assertThat(new TreeSet<>(CreateRequest.MODES)).isEqualTo(new TreeSet<>(ModelCapabilities.modes()));
        assertThat(new TreeSet<>(CreateRequest.DURATIONS)).isEqualTo(new TreeSet<>(ModelCapabilities.durations()));
    }

    private interface Takes {
        boolean test(String mode, String duration);
    }

    /** Every mode and duration, marked with whether it takes an end frame. */
    private static Set<String> combinations(Iterable<String> modes, Iterable<String> durations, Takes takes) {
        Set<String> out = new TreeSet<>();
        for (String mode : modes) {
            for (String duration : durations) {
                out.add(mode + "/" + duration + (takes.test(mode, duration) ? " tail" : ""));
            }
        }
        return out;
    }
}
