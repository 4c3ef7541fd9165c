package com.klingvideo.pipeline.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.local.RepositoryLayout;
import com.klingvideo.pipeline.local.SamTemplate;
import com.klingvideo.pipeline.local.lambda.LambdaHost;
import com.klingvideo.pipeline.local.lambda.LocalFunction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real template's JobsApi in front of the real JobsApiHandler, with AWS pointed at an unreachable
 * address: only requests the handler answers before calling AWS are sent.
 */
class LocalJobsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "local-key-value";

    private final HttpClient http = HttpClient.newHttpClient();
    private LambdaHost functions;
    private LocalApi api;

    @BeforeEach
    void start() {
        SamTemplate template = SamTemplate.read(RepositoryLayout.locate().template());
        functions = new LambdaHost("127.0.0.1", 0).register(new LocalFunction("JobsApiFunction",
                template.functionProperty("JobsApiFunction", "Handler").asText(),
                Map.of("AWS_REGION", "us-east-1",
                        "AWS_ENDPOINT_URL", "http://127.0.0.1:1",
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test",
                        "JOBS_TABLE", "jobs",
                        "CAPACITY_TABLE", "capacity",
                        "MEDIA_BUCKET", "media"),
                Duration.ofSeconds(30), 0));
        api = new LocalApi(functions, RestApi.fromTemplate(template), Map.of(KEY, "localkeyid1"), "127.0.0.1", 0)
                .start();
    }

    @AfterEach
    void stop() {
        api.close();
        functions.close();
    }

    @Test
    void request_should_reach_the_real_handler_through_the_templates_route() throws Exception {
        // WHEN GET /v1/jobs is sent with a limit the handler refuses before reading the table
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/jobs?limit=0")).header("x-api-key", KEY)
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        // THEN JobsApiHandler answered, in its own error shape
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(error.path("message").asText()).contains("limit");
    }

    @Test
    void request_should_answer_in_the_templates_gateway_response_shape_when_the_api_key_is_missing() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/jobs")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()))
                .isEqualTo(JSON.readTree("{\"error\":{\"code\":\"INVALID_API_KEY\",\"message\":\"Forbidden\"}}"));
        assertThat(functions.invocations("JobsApiFunction")).isZero();
    }

    @Test
    void request_should_answer_in_the_templates_gateway_response_shape_when_no_route_matches() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/jobs/u-1")).header("x-api-key", KEY)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(
                "{\"error\":{\"code\":\"MISSING_AUTHENTICATION_TOKEN\",\"message\":\"Missing Authentication Token\"}}"));
    }

    private URI uri(String pathAndQuery) {
        return URI.create(api.endpoint() + pathAndQuery);
    }
}
