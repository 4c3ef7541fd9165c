package com.klingvideo.pipeline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void redact_should_keepSchemeHostPortAndPathOnly_when_urlHasQueryAndFragment() {
        // GIVEN a signed URL
        URI signed = URI.create("https://cdn.example.com:8443/v/a%20b.mp4?X-Sig=secret&exp=1#frag");

        // WHEN / THEN the query (the signature) and fragment are dropped, the path stays encoded
        assertThat(Urls.redact(signed)).isEqualTo("https://cdn.example.com:8443/v/a%20b.mp4");
    }

    @Test
    void redact_should_omitPort_when_defaultPortIsImplied() {
        // WHEN / THEN
        assertThat(Urls.redact(URI.create("https://cdn.example.com/v.mp4?sig=s")))
                .isEqualTo("https://cdn.example.com/v.mp4");
    }
}
