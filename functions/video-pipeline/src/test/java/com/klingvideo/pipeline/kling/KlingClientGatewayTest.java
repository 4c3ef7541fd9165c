package com.klingvideo.pipeline.kling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.domain.KlingTask;
import com.klingvideo.pipeline.domain.KlingTaskStatus;
import com.klingvideo.pipeline.domain.VideoRequest;
import com.klingvideo.pipeline.domain.failure.KlingAccountException;
import com.klingvideo.pipeline.domain.failure.KlingException;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import com.klingvideo.pipeline.kling.KlingStubServer.RecordedRequest;
import com.klingvideo.pipeline.model.GenerationParameters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KlingClientGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_KEY = "sk-gw-test-0123456789abcdef";
    private static final String TASK_ID = "842250903629086785";

    private final KlingStubServer gateway = KlingStubServer.start();
    private final FakeCredentialsSource credentials = new FakeCredentialsSource(KlingCredentials.gateway(API_KEY));
    private final KlingClient client = new KlingClient(
            new KlingClientSettings(KlingDialect.GATEWAY, gateway.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(5)),
            credentials, Clock.fixed(Instant.ofEpochSecond(1_767_772_800L), ZoneOffset.UTC));

    @AfterEach
    void stopStub() {
        gateway.close();
    }

    @Test
    void create_should_postToTheKlingPrefixWithTheApiKey_when_gateway() throws Exception {
        // GIVEN the gateway accepting the task
        gateway.reply(200, Fixtures.read("gateway/create.json"));

        // WHEN
        KlingTask task = client.create(request());

        // THEN the static key as bearer, the /kling prefix, the same body as the official API
        RecordedRequest sent = gateway.onlyRequest();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.rawPath()).isEqualTo("/kling/v1/videos/image2video");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer " + API_KEY);
        assertThat(sent.header("Content-Type")).isEqualTo("application/json");
        assertThat(sent.header("Accept")).isEqualTo("application/json");
        assertThat(JSON.readTree(sent.body())).isEqualTo(JSON.readTree("""
                {"model_name":"kling-v2-1","model":"kling-v2-1","image":"https://media.example.com/in.png",
                 "image_tail":"https://media.example.com/end.png","prompt":"a cat turns its head",
                 "negative_prompt":"blurry","mode":"pro","duration":"10","aspect_ratio":"16:9",
                 "external_task_id":"job-456"}"""));
        assertThat(JSON.readTree(sent.body()).get("duration").isTextual()).isTrue();
        // AND the gateway's create object is read
        assertThat(task).isEqualTo(new KlingTask(TASK_ID, null, KlingTaskStatus.PROCESSING, "", "", null, null, null));
    }

    @Test
    void create_should_readTheOfficialEnvelope_when_aGatewayPassesKlingsAnswerThrough() {
        // GIVEN a gateway that answers in the official shape
        gateway.reply(200, Fixtures.read("official/create-submitted.json"));

        // WHEN
        KlingTask task = client.create(request());

        // THEN
        assertThat(task.taskId()).isEqualTo("867283741759111202");
        assertThat(task.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
    }

    static Stream<Arguments> gatewayStatuses() {
        return Stream.of(
                Arguments.of("gateway/query-submitted.json", new KlingTask(TASK_ID, "job-123", KlingTaskStatus.SUBMITTED, "submitted", "", null, null, null)),
                Arguments.of("gateway/query-in-progress.json", new KlingTask(TASK_ID, "job-123", KlingTaskStatus.PROCESSING, "processing", "", null, null, null)),
                Arguments.of("gateway/query-success.json", new KlingTask(TASK_ID, "job-123", KlingTaskStatus.SUCCEEDED, "succeed", "", Fixtures.VIDEO_URL, "5.1", "1", Duration.ofMillis(150_333))),
                Arguments.of("gateway/query-failure.json", new KlingTask(TASK_ID, "job-123", KlingTaskStatus.FAILED, "failed", "Image pixel is invalid", null, null, null)),
                Arguments.of("official/query-succeed.json", new KlingTask(TASK_ID, "job-123", KlingTaskStatus.SUCCEEDED, "succeed", "", Fixtures.VIDEO_URL, "5.1", "1", Duration.ofMillis(150_333))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gatewayStatuses")
    void query_should_getTheTaskAndPreferTheRawOfficialBody_when_gateway(String fixture, KlingTask expected) {
        // GIVEN
        gateway.reply(200, Fixtures.read(fixture));

        // WHEN
        KlingTask task = client.query(TASK_ID);

        // THEN
        RecordedRequest sent = gateway.onlyRequest();
        assertThat(sent.method()).isEqualTo("GET");
        assertThat(sent.rawPath()).isEqualTo("/kling/v1/videos/image2video/" + TASK_ID);
        assertThat(sent.header("Authorization")).isEqualTo("Bearer " + API_KEY);
        assertThat(task).isEqualTo(expected);
    }

    @Test
    void query_should_takeTheReasonFromTheInnerBody_when_gatewayReportsFailure() {
        // GIVEN a FAILURE whose fail_reason and top-level message are useless
        gateway.reply(200, Fixtures.read("gateway/query-failure.json"));

        // WHEN
        KlingTask task = client.query(TASK_ID);

        // THEN
        assertThat(task.status()).isEqualTo(KlingTaskStatus.FAILED);
        assertThat(task.statusMessage()).isEqualTo("Image pixel is invalid").isNotEqualTo("SUCCEED");
    }

    static Stream<Arguments> gatewayErrorTable() {
        String upstream1303 = Fixtures.officialError(1303, "parallel task over resource pack limit");
        return Stream.of(
                Arguments.of(429, Fixtures.gatewayError("fail_to_fetch_task", upstream1303), KlingRetryableException.class, "1303", false),
                Arguments.of(429, Fixtures.gatewayError("fail_to_fetch_task", Fixtures.officialError(1102, "resource pack depleted")), KlingAccountException.class, "1102", false),
                Arguments.of(400, Fixtures.gatewayError("fail_to_fetch_task", Fixtures.officialError(1301, "trigger content security policy")), KlingRejectedException.class, "1301", false),
                Arguments.of(500, Fixtures.gatewayError("fail_to_fetch_task", Fixtures.officialError(5000, "server internal error")), KlingRetryableException.class, "5000", true),
                Arguments.of(400, Fixtures.gatewayError("task_not_exist", "task_not_exist"), KlingRejectedException.class, "task_not_exist", false),
                Arguments.of(400, Fixtures.gatewayError("task_failed", "task failed"), KlingRejectedException.class, "task_failed", false),
                Arguments.of(400, Fixtures.gatewayError("invalid_request", "prompt is required"), KlingRejectedException.class, "invalid_request", false),
                Arguments.of(403, Fixtures.gatewayError("quota_not_enough", "quota not enough"), KlingAccountException.class, "quota_not_enough", false),
                Arguments.of(500, Fixtures.gatewayError("get_price_scale_failed", "model kling-v2-1 pro 7 price not set"), KlingRejectedException.class, "get_price_scale_failed", false),
                Arguments.of(503, Fixtures.gatewayError("model_not_found", "no available channel for model kling-v9"), KlingRejectedException.class, "model_not_found", false),
                Arguments.of(500, Fixtures.gatewayError("do_request_failed", "upstream connection reset"), KlingRetryableException.class, "do_request_failed", true),
                Arguments.of(401, "{\"error\":{\"message\":\"invalid token\",\"type\":\"new_api_error\"}}", KlingRejectedException.class, "new_api_error", false));
    }

    @ParameterizedTest(name = "HTTP {0} -> {3}")
    @MethodSource("gatewayErrorTable")
    void create_should_classifyTheGatewaysError_when_gatewayAnswersAnError(int status, String body,
            Class<? extends KlingException> expected, String code, boolean ambiguous) {
        // GIVEN
        gateway.reply(status, body);

        // WHEN
        KlingException e = catchThrowableOfType(KlingException.class, () -> client.create(request()));

        // THEN
        assertThat(e).isExactlyInstanceOf(expected);
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.getMessage()).contains(code).doesNotContain(API_KEY);
        if (e instanceof KlingRetryableException retryable) {
            assertThat(retryable.ambiguous()).isEqualTo(ambiguous);
        }
    }

    @Test
    void create_should_throwRetryableWithKlingsCode_when_failToFetchTaskEmbeds1303() {
        // GIVEN Kling's 1303 body passed through as a string
        gateway.reply(429, Fixtures.gatewayError("fail_to_fetch_task",
                "{\"code\":1303,\"message\":\"parallel task over resource pack limit\",\"request_id\":\"b1f0\"}"));

        // WHEN
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class, () -> client.create(request()));

        // THEN
        assertThat(e.code()).isEqualTo("1303");
        assertThat(e.ambiguous()).isFalse();
        assertThat(e.getMessage()).contains("parallel task over resource pack limit", "b1f0");
    }

    @Test
    void query_should_throwRejected_when_gatewayKnowsNoSuchTask() {
        // GIVEN
        gateway.reply(400, Fixtures.gatewayError("task_not_exist", "task_not_exist"));

        // WHEN
        KlingRejectedException e = catchThrowableOfType(KlingRejectedException.class, () -> client.query("task-unknown"));

        // THEN
        assertThat(e.code()).isEqualTo("task_not_exist");
        assertThat(e.httpStatus()).isEqualTo(400);
    }

    @Test
    void create_should_refreshTheKeyAndMaskIt_when_gatewayRejectsTheKeyAndEchoesIt() {
        // GIVEN a 401 whose message repeats the key
        gateway.reply(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY + "\",\"type\":\"invalid_request_error\"}}");

        // WHEN
        KlingRejectedException e = catchThrowableOfType(KlingRejectedException.class, () -> client.create(request()));

        // THEN the key is masked in the message and will be re-read next time
        assertThat(e.getMessage()).doesNotContain(API_KEY).contains("Incorrect API key provided: ***");
        assertThat(credentials.refreshes()).isEqualTo(1);
    }

    @Test
    void findByExternalId_should_beUnsupported_when_gateway() {
        // GIVEN / WHEN / THEN
        assertThat(client.supportsExternalLookup()).isFalse();
        assertThatThrownBy(() -> client.findByExternalId("job-456")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(gateway.requests()).isEmpty();
    }

    @Test
    void create_should_throwRejectedWithoutCalling_when_theApiKeyIsMissing() {
        // GIVEN official keys configured for a gateway
        credentials.rotateTo(KlingCredentials.official("ak", "sk"));

        // WHEN
        KlingRejectedException e = catchThrowableOfType(KlingRejectedException.class, () -> client.create(request()));

        // THEN
        assertThat(e.code()).isEqualTo("missing_credentials");
        assertThat(gateway.requests()).isEmpty();
    }

    private static VideoRequest request() {
        return new VideoRequest("job-456", "https://media.example.com/in.png", "https://media.example.com/end.png",
                new GenerationParameters("kling-v2-1", "pro", "10", "a cat turns its head", "blurry", null, "16:9"));
    }
}
