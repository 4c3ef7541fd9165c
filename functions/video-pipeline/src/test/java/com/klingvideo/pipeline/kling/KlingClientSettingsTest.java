package com.klingvideo.pipeline.kling;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KlingClientSettingsTest {

    private static final Duration SECONDS_10 = Duration.ofSeconds(10);

    @Test
    void constructor_should_accept_when_baseUrlHasATrailingSlash() {
        assertThatCode(() -> new KlingClientSettings(KlingDialect.OFFICIAL,
                URI.create("https://api-singapore.klingai.com/"), SECONDS_10, SECONDS_10))
                .doesNotThrowAnyException();
    }

    @Test
    void constructor_should_reject_when_baseUrlIsRelative() {
        assertThatThrownBy(() -> new KlingClientSettings(KlingDialect.OFFICIAL, URI.create("api.klingai.com"), SECONDS_10, SECONDS_10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute");
    }

    @Test
    void constructor_should_reject_when_baseUrlHasAQuery() {
        assertThatThrownBy(() -> new KlingClientSettings(KlingDialect.GATEWAY, URI.create("https://www.ezmodel.cloud/?x=1"), SECONDS_10, SECONDS_10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query");
    }

    @Test
    void constructor_should_reject_when_aTimeoutIsZero() {
        assertThatThrownBy(() -> new KlingClientSettings(KlingDialect.OFFICIAL, URI.create("https://api.klingai.com"), Duration.ZERO, SECONDS_10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
