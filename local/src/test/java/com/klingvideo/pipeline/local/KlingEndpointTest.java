package com.klingvideo.pipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.kling.KlingDialect;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KlingEndpointTest {

    @Test
    void fromEnvironment_should_beNull_when_noBaseUrl() {
        assertThat(KlingEndpoint.fromEnvironment(Map.of("KLING_API_KEY", "sk-1"))).isNull();
    }

    @Test
    void fromEnvironment_should_readOfficialKeys_and_neverShowThem() {
        KlingEndpoint endpoint = KlingEndpoint.fromEnvironment(Map.of("KLING_BASE_URL", "https://api.example",
                "KLING_ACCESS_KEY", "ak-123", "KLING_SECRET_KEY", "very-secret"));
        assertThat(endpoint.dialect()).isEqualTo(KlingDialect.OFFICIAL);
        assertThat(endpoint.secretJson()).isEqualTo("{\"accessKey\":\"ak-123\",\"secretKey\":\"very-secret\"}");
        assertThat(endpoint.toString()).doesNotContain("very-secret").doesNotContain("ak-123");
    }

    @Test
    void fromEnvironment_should_failNamingTheMissingVariable_when_keysMissing() {
        assertThatThrownBy(() -> KlingEndpoint.fromEnvironment(Map.of("KLING_BASE_URL", "https://api.example")))
                .hasMessageContaining("KLING_ACCESS_KEY");
        assertThatThrownBy(() -> KlingEndpoint.fromEnvironment(Map.of("KLING_BASE_URL", "https://gw.example",
                "KLING_API_STYLE", "gateway"))).hasMessageContaining("KLING_API_KEY");
    }

    @Test
    void options_should_useDocumentedPortsAndAcceptOverrides() {
        LocalStackOptions defaults = LocalStackOptions.fromEnvironment(Map.of(), java.nio.file.Path.of("state"));
        assertThat(defaults.awsPort()).isEqualTo(4566);
        assertThat(defaults.apiPort()).isEqualTo(3000);
        assertThat(defaults.functionTuning()).containsKey("POLL_FIRST_WAIT_SECONDS");
        LocalStackOptions moved = LocalStackOptions.fromEnvironment(Map.of("KVP_AWS_PORT", "5555"),
                java.nio.file.Path.of("state"));
        assertThat(moved.awsPort()).isEqualTo(5555);
        assertThatThrownBy(() -> LocalStackOptions.fromEnvironment(Map.of("KVP_API_PORT", "http"),
                java.nio.file.Path.of("state"))).hasMessageContaining("KVP_API_PORT");
    }
}
