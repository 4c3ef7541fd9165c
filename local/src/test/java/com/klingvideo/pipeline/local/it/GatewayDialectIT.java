package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The same pipeline against a new-api gateway (static Bearer key, /kling/v1 routes, wrapped answers). */
class GatewayDialectIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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

    @Test
    void api_should_sendTheDefaultPromptAndSucceed_when_requestPromptIsEmpty() throws Exception {
        // GIVEN a request whose prompt is empty, which the gateway would refuse
        String body = JSON.writeValueAsString(Map.of(
                "image", Map.of("base64", Base64.getEncoder().encodeToString(TestImages.jpeg(640, 480))),
                "prompt", ""));

        // WHEN it is posted
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(
                        URI.create(LOCAL.stack().endpoints().apiUrl() + "/jobs"))
                .header("x-api-key", LOCAL.stack().endpoints().apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        // THEN it is admitted, the gateway gets the configured default prompt, and the video is made
        assertThat(created.statusCode()).isEqualTo(202);
        String jobId = JSON.readTree(created.body()).path("jobId").asText();
        Job job = LOCAL.driver().awaitFinal(jobId);
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(LOCAL.driver().createsFor(jobId)).singleElement()
                .satisfies(create -> assertThat(create.path("prompt").asText()).isNotBlank()
                        .isEqualTo(job.parameters().prompt()));
    }
}
