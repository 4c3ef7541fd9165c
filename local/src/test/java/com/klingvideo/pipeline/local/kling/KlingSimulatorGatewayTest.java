package com.klingvideo.pipeline.local.kling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.domain.KlingTask;
import com.klingvideo.pipeline.domain.KlingTaskStatus;
import com.klingvideo.pipeline.domain.VideoRequest;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingClient;
import com.klingvideo.pipeline.kling.KlingClientSettings;
import com.klingvideo.pipeline.kling.KlingCredentials;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.model.GenerationParameters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The gateway dialect (a new-api gateway in front of Kling), driven by the production {@link KlingClient}. */
class KlingSimulatorGatewayTest extends SimulatorTestSupport {

    private static final String API_KEY = "sk-gateway-test-0123456789";


    @Test
    void task_should_goFromSubmittedThroughProcessingToSucceed_when_timePasses() {
        // GIVEN a gateway serving videos chunked, and an image behind a presigned-style URL
        start(config -> config.chunkedVideo(true));
        String imageUrl = images.put("cat.jpg", TestImages.jpeg(640, 360));

        // WHEN a task is created and queried while the clock moves
        KlingTask created = client.create(request("job-1", imageUrl, "a cat turns its head"));
        KlingTask submitted = client.query(created.taskId());
        clock.advance(LATENCY.dividedBy(2));
        KlingTask processing = client.query(created.taskId());
        clock.advance(LATENCY);
        KlingTask done = client.query(created.taskId());

        // THEN the gateway's statuses read as submitted -> processing -> succeeded
        assertThat(created.taskId()).matches("[0-9]{18}");
        assertThat(submitted.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
        assertThat(processing.status()).isEqualTo(KlingTaskStatus.PROCESSING);
        assertThat(done.status()).isEqualTo(KlingTaskStatus.SUCCEEDED);
        assertThat(done.externalTaskId()).isEqualTo("job-1");
        assertThat(done.videoDuration()).isEqualTo("5.1");
        // AND the video streams without a length and is a real MP4
        HttpResponse<byte[]> video = Http.download(done.videoUrl());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(video.headers().firstValue("Content-Length")).isEmpty();
        assertThat(Mp4.firstFrame(video.body()).getWidth()).isEqualTo(320);
    }

    @Test
    void simulator_should_answerTheGatewaysExactShapes_when_createdAndQueried() {
        // GIVEN a gateway
        start(UnaryOperator.identity());

        // WHEN a task is created and queried, mid-way and after it succeeded
        HttpResponse<String> create = Http.post(createUri(), "Bearer " + API_KEY, validBody().toString());
        String taskId = Http.json(create).path("task_id").asText();
        clock.advance(LATENCY.dividedBy(2));
        JsonNode midway = Http.json(Http.get(taskUri(taskId), "Bearer " + API_KEY)).path("data");
        clock.advance(LATENCY);
        JsonNode done = Http.json(Http.get(taskUri(taskId), "Bearer " + API_KEY));

        // THEN the create answer is the gateway's video object, times in seconds
        JsonNode created = Http.json(create);
        assertThat(create.statusCode()).isEqualTo(200);
        assertThat(created.path("id").asText()).isEqualTo(taskId);
        assertThat(created.path("object").asText()).isEqualTo("video");
        assertThat(created.path("model").asText()).isEqualTo("kling-v2-1");
        assertThat(created.path("status").asText("missing")).isEmpty();
        assertThat(created.path("progress").asInt(-1)).isZero();
        assertThat(created.path("created_at").asLong()).isEqualTo(T0.getEpochSecond());
        // AND the query wraps Kling's raw answer
        assertThat(midway.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(midway.path("progress").asText()).matches("[0-9]{2}%");
        assertThat(midway.path("start_time").asLong()).isEqualTo(T0.plus(LATENCY.dividedBy(4)).getEpochSecond());
        assertThat(midway.path("finish_time").asLong()).isZero();
        assertThat(done.path("code").asText()).isEqualTo("success");
        JsonNode data = done.path("data");
        assertThat(data.path("task_id").asText()).isEqualTo(taskId);
        assertThat(data.path("action").asText()).isEqualTo("generate");
        assertThat(data.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(data.path("progress").asText()).isEqualTo("100%");
        assertThat(data.path("submit_time").asLong()).isEqualTo(T0.getEpochSecond());
        assertThat(data.path("finish_time").asLong()).isEqualTo(T0.plus(LATENCY).getEpochSecond());
        JsonNode raw = data.path("data");
        assertThat(raw.path("code").asInt(-1)).isZero();
        assertThat(raw.path("data").path("task_status").asText()).isEqualTo("succeed");
        assertThat(data.path("fail_reason").asText())
                .isEqualTo(raw.path("data").path("task_result").path("videos").path(0).path("url").asText())
                .startsWith("http://127.0.0.1:");
    }

    @Test
    void query_should_surfaceTheReasonFromKlingsRawBody_when_taskFailed() {
        // GIVEN the next task is to fail
        start(UnaryOperator.identity());
        simulator.faults().failNextTasks(1, "Generation failed, please try again");
        KlingTask created = client.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360)), "a cat"));
        clock.advance(LATENCY);

        // WHEN it is queried after its end
        KlingTask failed = client.query(created.taskId());
        JsonNode wrapper = Http.json(Http.get(taskUri(created.taskId()), "Bearer " + API_KEY)).path("data");

        // THEN the reason comes from the raw body, the gateway's fail_reason is its useless "SUCCEED"
        assertThat(failed.status()).isEqualTo(KlingTaskStatus.FAILED);
        assertThat(failed.statusMessage()).isEqualTo("Generation failed, please try again");
        assertThat(wrapper.path("status").asText()).isEqualTo("FAILURE");
        assertThat(wrapper.path("fail_reason").asText()).isEqualTo("SUCCEED");
    }

    @Test
    void create_should_passKlings1303Through_when_concurrencyFull() {
        // GIVEN an account with one parallel task, taken
        start(config -> config.maxConcurrentTasks(1));
        String imageUrl = images.put("a.jpg", TestImages.jpeg(640, 360));
        client.create(request("job-a", imageUrl, "a cat"));

        // WHEN another task is created
        HttpResponse<String> raw = Http.post(createUri(), "Bearer " + API_KEY, validBody().toString());
        KlingRetryableException full = catchThrowableOfType(KlingRetryableException.class,
                () -> client.create(request("job-b", imageUrl, "a cat")));

        // THEN the gateway answers fail_to_fetch_task with Kling's status and body, which the client reads as 1303
        JsonNode body = Http.json(raw);
        assertThat(raw.statusCode()).isEqualTo(429);
        assertThat(body.path("code").asText()).isEqualTo("fail_to_fetch_task");
        assertThat(body.path("data").isNull()).isTrue();
        JsonNode kling = parse(body.path("message").asText());
        assertThat(kling.path("code").asInt()).isEqualTo(1303);
        assertThat(kling.path("message").asText()).isEqualTo("parallel task over resource pack limit");
        assertThat(full.code()).isEqualTo("1303");
        assertThat(full.httpStatus()).isEqualTo(429);
        assertThat(simulator.counters().createsRejected("1303")).isEqualTo(2);
        assertThat(simulator.counters().peakConcurrentTasks()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "RATE_LIMIT_1302,   1302,     429",
            "SERVER_ERROR_5000, 5000,     500",
            "HTTP_503_NO_BODY,  http_503, 503"})
    void create_should_throwRetryable_when_faultIsInjected(Fault fault, String code, int httpStatus) {
        // GIVEN the next create is to fail
        start(UnaryOperator.identity());
        simulator.faults().failNextCreates(1, fault);

        // WHEN a create is sent
        KlingRetryableException failure = catchThrowableOfType(KlingRetryableException.class,
                () -> client.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360)), "a cat")));

        // THEN the client reads Kling's code through the gateway's wrapping
        assertThat(failure.code()).isEqualTo(code);
        assertThat(failure.httpStatus()).isEqualTo(httpStatus);
    }

    @Test
    void create_should_timeOut_when_answerStalls() {
        // GIVEN a client that waits 300 ms and a create that stalls for a second
        start(UnaryOperator.identity());
        KlingClient impatient = client(API_KEY, Duration.ofMillis(300));
        simulator.faults().stallNextCreates(1, Duration.ofSeconds(1));

        // WHEN the create is sent
        KlingRetryableException timeout = catchThrowableOfType(KlingRetryableException.class,
                () -> impatient.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360)), "a cat")));

        // THEN the client gave up, knowing the task may exist
        assertThat(timeout.code()).isEqualTo("timeout");
        assertThat(timeout.ambiguous()).isTrue();
    }

    @Test
    void create_should_beRejectedWithAnOpenAiStyle401_when_keyIsWrong() {
        // GIVEN a client with another key
        start(UnaryOperator.identity());
        KlingClient wrongKey = client("sk-someone-else-000000", Duration.ofSeconds(5));

        // WHEN it creates a task, and a raw request comes without any key
        KlingRejectedException failure = catchThrowableOfType(KlingRejectedException.class,
                () -> wrongKey.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360)), "a cat")));
        HttpResponse<String> keyless = Http.post(createUri(), null, validBody().toString());

        // THEN 401 with new-api's error object
        assertThat(failure.httpStatus()).isEqualTo(401);
        assertThat(failure.code()).isEqualTo("new_api_error");
        assertThat(keyless.statusCode()).isEqualTo(401);
        assertThat(Http.json(keyless).path("error").path("type").asText()).isEqualTo("new_api_error");
        assertThat(Http.json(keyless).path("error").path("message").asText()).isNotBlank();
        assertThat(simulator.counters().tasksCreated()).isZero();
    }

    @Test
    void query_should_answerTaskNotExist_when_idIsUnknownOrAnExternalId() {
        // GIVEN a task with an external_task_id
        start(UnaryOperator.identity());
        client.create(request("job-ext", images.put("a.jpg", TestImages.jpeg(640, 360)), "a cat"));

        // WHEN the gateway is asked for the external id
        HttpResponse<String> byExternalId = Http.get(taskUri("job-ext"), "Bearer " + API_KEY);
        KlingRejectedException unknown = catchThrowableOfType(KlingRejectedException.class,
                () -> client.query("860000000000000001"));

        // THEN it does not know it: 400 task_not_exist
        assertThat(byExternalId.statusCode()).isEqualTo(400);
        assertThat(Http.json(byExternalId).path("code").asText()).isEqualTo("task_not_exist");
        assertThat(Http.json(byExternalId).path("data").isNull()).isTrue();
        assertThat(unknown.code()).isEqualTo("task_not_exist");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("refusedByTheGateway")
    void create_should_beRefusedByTheGateway_when_itCannotPriceOrRouteTheRequest(
            String field, Object value, int httpStatus, String code) {
        // GIVEN a valid body but for one field
        start(UnaryOperator.identity());
        ObjectNode body = validBody();
        if (value == null) {
            body.remove(field);
        } else {
            body.set(field, Http.JSON.valueToTree(value));
        }

        // WHEN it is sent
        HttpResponse<String> response = Http.post(createUri(), "Bearer " + API_KEY, body.toString());

        // THEN the gateway's own error shape
        JsonNode answer = Http.json(response);
        assertThat(response.statusCode()).isEqualTo(httpStatus);
        assertThat(answer.path("code").asText()).isEqualTo(code);
        assertThat(answer.path("message").asText()).isNotBlank();
        assertThat(answer.has("data")).isTrue();
        assertThat(simulator.counters().tasksCreated()).isZero();
    }

    static Stream<Arguments> refusedByTheGateway() {
        String tail = Base64.getEncoder().encodeToString(TestImages.jpeg(640, 360));
        return Stream.of(
                Arguments.of("duration", 5, 500, "get_price_scale_failed"),
                Arguments.of("mode", "standard", 500, "get_price_scale_failed"),
                Arguments.of("prompt", "  ", 400, "invalid_request"),
                Arguments.of("image", null, 400, "invalid_request"),
                Arguments.of("model_name", "kling-v9", 503, "model_not_found"),
                // only Kling checks these: the gateway passes its 400 on
                Arguments.of("cfg_scale", 2.5, 400, "fail_to_fetch_task"),
                Arguments.of("image", "data:image/jpeg;base64,/9j/4AAQ", 400, "fail_to_fetch_task"));
    }

    @Test
    void create_should_beRefused_when_onlyAnEndFrameIsSent() {
        // GIVEN a body with image_tail and no image
        start(UnaryOperator.identity());
        ObjectNode body = validBody();
        body.set("image_tail", body.remove("image"));

        // WHEN it is sent
        HttpResponse<String> response = Http.post(createUri(), "Bearer " + API_KEY, body.toString());

        // THEN the gateway refuses it, as gateways do
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response).path("code").asText()).isEqualTo("invalid_request");
    }

    // ---- helpers

    @Override
    SimulatorConfig.Builder config() {
        return SimulatorConfig.gateway(API_KEY).clock(clock).taskLatency(LATENCY);
    }

    @Override
    KlingClient defaultClient() {
        return client(API_KEY, Duration.ofSeconds(5));
    }

    private KlingClient client(String apiKey, Duration readTimeout) {
        return new KlingClient(new KlingClientSettings(KlingDialect.GATEWAY, simulator.baseUrl(), Duration.ofSeconds(2),
                readTimeout), () -> KlingCredentials.gateway(apiKey), clock);
    }

    private static VideoRequest request(String externalTaskId, String image, String prompt) {
        return new VideoRequest(externalTaskId, image, null,
                new GenerationParameters("kling-v2-1", "std", "5", prompt, "", 0.5, null));
    }

    private static ObjectNode validBody() {
        return Http.JSON.createObjectNode()
                .put("model_name", "kling-v2-1")
                .put("model", "kling-v2-1")
                .put("image", Base64.getEncoder().encodeToString(TestImages.jpeg(640, 360)))
                .put("prompt", "a cat turns its head")
                .put("mode", "std")
                .put("duration", "5");
    }

    private static JsonNode parse(String json) {
        try {
            return Http.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private URI createUri() {
        return URI.create(simulator.baseUrl() + "/kling/v1/videos/image2video");
    }

    private URI taskUri(String id) {
        return URI.create(createUri() + "/" + id);
    }
}
