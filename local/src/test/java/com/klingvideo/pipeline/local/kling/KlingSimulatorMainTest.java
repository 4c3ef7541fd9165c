package com.klingvideo.pipeline.local.kling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.kling.KlingDialect;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KlingSimulatorMainTest {

    @Test
    void configFrom_should_takeArgumentsOverEnvironment_when_bothAreSet() {
        // GIVEN keys in the environment and a port in both places
        Map<String, String> env = Map.of(
                "KLING_SIM_ACCESS_KEY", "ak-env",
                "KLING_SIM_SECRET_KEY", "sk-env",
                "KLING_SIM_PORT", "9000",
                "KLING_SIM_LATENCY", "5s");

        // WHEN arguments are read with it
        SimulatorConfig config = KlingSimulatorMain.configFrom(
                new String[] {"--port=9100", "--concurrency=2", "--fail-every=3:rate_limit_1302"}, env);

        // THEN
        assertThat(config.dialect()).isEqualTo(KlingDialect.OFFICIAL);
        assertThat(config.accessKey()).isEqualTo("ak-env");
        assertThat(config.secretKey()).isEqualTo("sk-env");
        assertThat(config.port()).isEqualTo(9100);
        assertThat(config.taskLatency()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxConcurrentTasks()).isEqualTo(2);
        assertThat(config.failEveryNthCreate()).isEqualTo(3);
        assertThat(config.periodicFault()).isEqualTo(Fault.RATE_LIMIT_1302);
        assertThat(config.toString()).doesNotContain("sk-env");
    }

    @Test
    void configFrom_should_refuse_when_theDialectsKeysAreMissingOrAnArgumentIsUnknown() {
        // GIVEN / WHEN / THEN
        assertThatThrownBy(() -> KlingSimulatorMain.configFrom(new String[] {"--dialect=gateway"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("API key");
        assertThatThrownBy(() -> KlingSimulatorMain.configFrom(new String[] {"--api-key=sk-1", "--latencyy=5s"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--latencyy=5s");
    }

    @ParameterizedTest
    @CsvSource({"20s, 20000", "1500ms, 1500", "2m, 120000", "0.5, 500", "PT20S, 20000"})
    void duration_should_readTheUsualSpellings(String text, long millis) {
        assertThat(KlingSimulatorMain.duration(text)).isEqualTo(Duration.ofMillis(millis));
    }
}
