package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The same pipeline against a new-api gateway (static Bearer key, /kling/v1 routes, wrapped answers). */
class GatewayDialectIT {
    @RegisterExtension
    static final LocalStackExtension LOCAL = new LocalStackExtension(state -> LocalStackOptions.forTests(state)
            .withSimulator(KlingDialect.GATEWAY, Duration.ofSeconds(3), 5));

    @Test
    void upload_should_endSucceededWithPlayableVideo_when_klingIsAGateway(@TempDir Path downloads) throws IOException {
        assertThat(LOCAL.stack().endpoints().klingStyle()).isEqualTo("gateway");
        String jobId = LOCAL.driver().upload("gateway-kettle.jpg", TestImages.jpeg(800, 600),
                Map.of("prompt", "A kettle"));

        Job job = LOCAL.driver().awaitFinal(jobId);

        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        LOCAL.driver().assertPlayableVideo(job, downloads);
        JsonNode create = LOCAL.driver().createsFor(jobId).get(0);
        assertThat(create.path("model").asText()).isEqualTo(create.path("model_name").asText()).isNotBlank();
        assertThat(create.path("duration").asText()).isEqualTo("5");
    }

    @Test
    void klingTaskFailure_should_carryTheReasonFromTheWrappedBody_when_gatewayReportsFailure() {
        LOCAL.stack().simulator().faults().failNextTasks(1, "Image pixel is invalid");
        String jobId = LOCAL.driver().upload("gateway-fail.jpg", TestImages.jpeg(640, 480),
                Map.of("prompt", "A kettle"));

        Job job = LOCAL.driver().awaitFinal(jobId);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().reason()).isEqualTo("Image pixel is invalid");
    }
}
