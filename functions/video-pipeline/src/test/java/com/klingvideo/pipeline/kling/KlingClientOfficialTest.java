package com.klingvideo.pipeline.kling;

import com.klingvideo.pipeline.fakes.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KlingClientOfficialTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.ofEpochSecond(1_767_772_800L);
    private static final String ACCESS_KEY = "ak-test-0123456789";
    private static final String SECRET_KEY = "sk-test-secret-abcdefghij";
    private static final String TASK_ID = "842250903629086785";
    private static final String TASK_PATH = "/v1/videos/image2video/" + TASK_ID;

    private final KlingStubServer kling = KlingStubServer.start();
    private final MutableClock clock = new MutableClock(NOW);
    private final FakeCredentialsSource credentials = new FakeCredentialsSource(KlingCredentials.official(ACCESS_KEY, SECRET_KEY));
    private final KlingClient client = clientFor(kling.baseUrl(), Duration.ofSeconds(5));

    @AfterEach
    void stopStub() {
        kling.close();
    }

    // ---- create

    @Test
    void create_should_postTheDocumentedBodyAndHeaders_when_official() throws Exception {
        // GIVEN Kling accepting the task
        kling.reply(200, Fixtures.read("official/create-submitted.json"));

        // WHEN
        KlingTask task = client.create(request("5"));

        // THEN exactly one POST with JSON headers and the documented body
        RecordedRequest sent = kling.onlyRequest();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.rawPath()).isEqualTo("/v1/videos/image2video");
        assertThat(sent.rawQuery()).isNull();
        assertThat(sent.header("Content-Type")).isEqualTo("application/json");
        assertThat(sent.header("Accept")).isEqualTo("application/json");
        assertThat(JSON.readTree(sent.body())).isEqualTo(JSON.readTree("""
                {"model_name":"kling-v2-1","model":"kling-v2-1",
                 "image":"https://media.example.com/in.png?X-Amz-Signature=abc%2F",
                 "prompt":"a cat turns its head","cfg_scale":0.5,"mode":"std","duration":"5",
                 "external_task_id":"job-123"}"""));
        // AND the answer is read
        assertThat(task).isEqualTo(new KlingTask("867283741759111202", "job-123", KlingTaskStatus.SUBMITTED,
                "submitted", "", null, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "10"})
    void create_should_sendDurationAsString_when_official(String duration) throws Exception {
        // GIVEN
        kling.reply(200, Fixtures.read("official/create-submitted.json"));

        // WHEN
        client.create(request(duration));

        // THEN a JSON string, never a number
        JsonNode sent = JSON.readTree(kling.onlyRequest().body()).get("duration");
        assertThat(sent.isTextual()).isTrue();
        assertThat(sent.asText()).isEqualTo(duration);
    }

    @Test
    void create_should_sendAnHs256JwtOfTheAccessKey_when_official() {
        // GIVEN
        kling.reply(200, Fixtures.read("official/create-submitted.json"));

        // WHEN
        client.create(request("5"));

        // THEN the bearer is a JWT with the documented header and claims, signed with the secret key
        Jwt jwt = Jwt.decode(kling.onlyRequest().bearer());
        assertThat(jwt.header()).isEqualTo(JSON.createObjectNode().put("alg", "HS256").put("typ", "JWT"));
        assertThat(jwt.claims().get("iss").asText()).isEqualTo(ACCESS_KEY);
        assertThat(jwt.claim("exp")).isEqualTo(NOW.getEpochSecond() + 1800);
        assertThat(jwt.claim("nbf")).isEqualTo(NOW.getEpochSecond() - 5);
        assertThat(jwt.claims().size()).isEqualTo(3);
        assertThat(jwt.signature()).isEqualTo(jwt.expectedSignature(SECRET_KEY));
    }

    @Test
    void constructor_should_neitherMintATokenNorReadKeys_when_built() {
        // GIVEN a clock and a key source nobody has touched
        MutableClock untouchedClock = new MutableClock(NOW);
        FakeCredentialsSource untouchedKeys = new FakeCredentialsSource(KlingCredentials.official(ACCESS_KEY, SECRET_KEY));

        // WHEN the client is built (what a SnapStart snapshot would capture)
        KlingClient built = new KlingClient(settings(kling.baseUrl(), Duration.ofSeconds(5)), untouchedKeys, untouchedClock);

        // THEN no time was read, no key fetched, nothing sent
        assertThat(untouchedClock.reads()).isZero();
        assertThat(untouchedKeys.gets()).isZero();
        assertThat(kling.requests()).isEmpty();
        assertThat(built.toString()).doesNotContain(ACCESS_KEY, SECRET_KEY);
    }

    @Test
    void create_should_signWithTheTimeOfTheCall_when_theClientWasBuiltLongBefore() {
        // GIVEN a client built an hour before its first call (a restored snapshot)
        kling.reply(200, Fixtures.read("official/create-submitted.json"));
        clock.advance(Duration.ofHours(1));

        // WHEN
        client.create(request("5"));

        // THEN the token is minted for now, not for the build time
        assertThat(Jwt.decode(kling.onlyRequest().bearer()).claim("nbf")).isEqualTo(NOW.getEpochSecond() + 3600 - 5);
    }

    @Test
    void query_should_reuseTheToken_when_insideTheRefreshWindow_and_resign_when_pastIt() {
        // GIVEN three answers
        kling.reply(200, Fixtures.read("official/query-processing.json"))
                .reply(200, Fixtures.read("official/query-processing.json"))
                .reply(200, Fixtures.read("official/query-processing.json"));

        // WHEN two calls 24 min apart, then one more 2 min later (past exp - 5 min)
        client.query(TASK_ID);
        clock.advance(Duration.ofMinutes(24));
        client.query(TASK_ID);
        clock.advance(Duration.ofMinutes(2));
        client.query(TASK_ID);

        // THEN the first two carry the same token and the third a new one
        List<RecordedRequest> sent = kling.requests();
        assertThat(sent.get(1).bearer()).isEqualTo(sent.get(0).bearer());
        assertThat(sent.get(2).bearer()).isNotEqualTo(sent.get(0).bearer());
        assertThat(Jwt.decode(sent.get(2).bearer()).claim("nbf")).isEqualTo(NOW.getEpochSecond() + 26 * 60 - 5);
    }

    @ParameterizedTest
    @ValueSource(ints = {1003, 1004})
    void create_should_resignAndRetryOnce_when_klingRefusesTheTokensTime(int code) {
        // GIVEN Kling refusing the first token (a second passes meanwhile), then accepting
        kling.reply(401, Fixtures.officialError(code, "token expired"), () -> clock.advance(Duration.ofSeconds(1)))
                .reply(200, Fixtures.read("official/create-submitted.json"));

        // WHEN
        KlingTask task = client.create(request("5"));

        // THEN the same create was sent twice, the second time with a freshly signed token
        List<RecordedRequest> sent = kling.requests();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).body()).isEqualTo(sent.get(0).body());
        assertThat(sent.get(1).bearer()).isNotEqualTo(sent.get(0).bearer());
        Jwt second = Jwt.decode(sent.get(1).bearer());
        assertThat(second.claim("nbf")).isEqualTo(NOW.getEpochSecond() + 1 - 5);
        assertThat(second.signature()).isEqualTo(second.expectedSignature(SECRET_KEY));
        assertThat(task.taskId()).isEqualTo("867283741759111202");
        assertThat(credentials.refreshes()).isZero();
    }

    @Test
    void create_should_throwRetryable_when_theTokenIsRefusedTwiceInARow() {
        // GIVEN Kling refusing every token as expired
        kling.reply(401, Fixtures.officialError(1004, "token expired"))
                .reply(401, Fixtures.officialError(1004, "token expired"));

        // WHEN
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class, () -> client.create(request("5")));

        // THEN exactly two attempts, then a retryable, unambiguous failure
        assertThat(kling.requests()).hasSize(2);
        assertThat(e.code()).isEqualTo("1004");
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.ambiguous()).isFalse();
    }

    // ---- the error table

    static Stream<Arguments> officialErrorTable() {
        return Stream.of(
                Arguments.of(401, 1000, "authentication failed", KlingRejectedException.class, false),
                Arguments.of(401, 1001, "authorization is empty", KlingRejectedException.class, false),
                Arguments.of(401, 1002, "authorization is invalid", KlingRejectedException.class, false),
                Arguments.of(429, 1100, "account exception", KlingAccountException.class, false),
                Arguments.of(429, 1101, "account in arrears", KlingAccountException.class, false),
                Arguments.of(429, 1102, "resource pack depleted or expired", KlingAccountException.class, false),
                Arguments.of(403, 1103, "unauthorized access to requested resource", KlingRejectedException.class, false),
                Arguments.of(400, 1200, "invalid request parameters", KlingRejectedException.class, false),
                Arguments.of(400, 1201, "invalid parameters: duration", KlingRejectedException.class, false),
                Arguments.of(404, 1202, "invalid request method", KlingRejectedException.class, false),
                Arguments.of(404, 1203, "requested model not found", KlingRejectedException.class, false),
                Arguments.of(400, 1300, "trigger platform strategy", KlingRejectedException.class, false),
                Arguments.of(400, 1301, "trigger content security policy", KlingRejectedException.class, false),
                Arguments.of(429, 1302, "api request too fast", KlingRetryableException.class, false),
                Arguments.of(429, 1303, "parallel task over resource pack limit", KlingRetryableException.class, false),
                Arguments.of(429, 1304, "trigger ip whitelisting policy", KlingRejectedException.class, false),
                Arguments.of(500, 5000, "server internal error", KlingRetryableException.class, true),
                Arguments.of(503, 5001, "server temporarily unavailable", KlingRetryableException.class, true),
                Arguments.of(504, 5002, "server internal timeout", KlingRetryableException.class, true),
                Arguments.of(400, 1999, "a code nobody documented", KlingRejectedException.class, false),
                Arguments.of(502, 5999, "a code nobody documented", KlingRetryableException.class, true));
    }

    @ParameterizedTest(name = "HTTP {0} code {1} -> {3}")
    @MethodSource("officialErrorTable")
    void create_should_classifyByBusinessCode_when_klingAnswersAnError(int status, int code, String message,
            Class<? extends KlingException> expected, boolean ambiguous) {
        // GIVEN
        kling.reply(status, Fixtures.officialError(code, message));

        // WHEN
        KlingException e = catchThrowableOfType(KlingException.class, () -> client.create(request("5")));

        // THEN the class, code and status follow the table; the message has Kling's words, not the keys
        assertThat(e).isExactlyInstanceOf(expected);
        assertThat(e.code()).isEqualTo(String.valueOf(code));
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.getMessage()).contains(String.valueOf(code), message, "req-" + code)
                .doesNotContain(ACCESS_KEY, SECRET_KEY, kling.requests().get(0).bearer());
        if (e instanceof KlingRetryableException retryable) {
            assertThat(retryable.ambiguous()).isEqualTo(ambiguous);
        }
        assertThat(kling.requests()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002})
    void create_should_refreshTheCredentials_when_klingRejectsTheKeys(int code) {
        // GIVEN
        kling.reply(401, Fixtures.officialError(code, "authorization failed"));

        // WHEN
        catchThrowableOfType(KlingRejectedException.class, () -> client.create(request("5")));

        // THEN rotated keys will be read on the next call
        assertThat(credentials.refreshes()).isEqualTo(1);
    }

    @Test
    void query_should_useRotatedKeys_when_theSourceHandsOutNewOnes() {
        // GIVEN a rejection, a key rotation, then success
        kling.reply(401, Fixtures.officialError(1002, "authorization is invalid"))
                .reply(200, Fixtures.read("official/query-processing.json"));
        catchThrowableOfType(KlingRejectedException.class, () -> client.query(TASK_ID));
        credentials.rotateTo(KlingCredentials.official("ak-rotated-000000", "sk-rotated-secret-000000"));

        // WHEN
        client.query(TASK_ID);

        // THEN the new token is for the new keys
        Jwt jwt = Jwt.decode(kling.requests().get(1).bearer());
        assertThat(jwt.claims().get("iss").asText()).isEqualTo("ak-rotated-000000");
        assertThat(jwt.signature()).isEqualTo(jwt.expectedSignature("sk-rotated-secret-000000"));
    }

    @Test
    void query_should_notBeAmbiguous_when_klingHasAServerError() {
        // GIVEN
        kling.reply(500, Fixtures.officialError(5000, "server internal error"));

        // WHEN
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class, () -> client.query(TASK_ID));

        // THEN a query cannot leave a task behind
        assertThat(e.code()).isEqualTo("5000");
        assertThat(e.ambiguous()).isFalse();
    }

    @Test
    void query_should_refuseToReadTheAnswer_when_itsBodyIsLargerThanOneMebibyte() {
        // GIVEN a well-formed answer padded past 1 MiB
        String padded = Fixtures.read("official/query-processing.json")
                .replace("\"task_status_msg\":\"\"", "\"task_status_msg\":\"" + "x".repeat(1024 * 1024) + "\"");
        assertThat(padded.length()).isGreaterThan(KlingClient.MAX_ANSWER_BYTES);
        kling.reply(200, padded);

        // WHEN
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class, () -> client.query(TASK_ID));

        // THEN it is not parsed, and the check is tried again later
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo("unreadable_response");
        assertThat(e.getMessage()).contains("larger than");
    }

    @Test
    void create_should_beAmbiguous_when_theAnswerIsLargerThanOneMebibyte() {
        // GIVEN a create accepted with an answer padded past 1 MiB
        kling.reply(200, Fixtures.read("official/create-submitted.json")
                .replaceFirst("\\{", "{\"pad\":\"" + "x".repeat(1024 * 1024) + "\","));

        // WHEN
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class,
                () -> client.create(request("5")));

        // THEN the task may exist: it is looked up before anything is sent again
        assertThat(e.code()).isEqualTo("unreadable_response");
        assertThat(e.ambiguous()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"502, ''", "503, <html><body>Service Unavailable</body></html>"})
    void create_should_throwAmbiguousRetryable_when_5xxWithoutAReadableBody(int status, String body) {
        // GIVEN
        kling.reply(status, body);

        // WHEN
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class, () -> client.create(request("5")));

        // THEN
        assertThat(e.code()).isEqualTo("http_" + status);
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.ambiguous()).isTrue();
        assertThat(e.getMessage()).doesNotContain("<html>");
    }

    @Test
    void create_should_throwAmbiguousRetryable_when_2xxHoldsNoTask() {
        // GIVEN an OK answer without a task in it
        kling.reply(200, "{\"code\":0,\"message\":\"SUCCEED\",\"request_id\":\"r-1\",\"data\":null}");

        // WHEN
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class, () -> client.create(request("5")));

        // THEN the task may exist: look it up before resubmitting
        assertThat(e.code()).isEqualTo("unreadable_response");
        assertThat(e.httpStatus()).isEqualTo(200);
        assertThat(e.ambiguous()).isTrue();
        assertThat(e.getMessage()).contains("external_task_id");
    }

    @Test
    void create_should_throwAmbiguousTimeout_when_klingAnswersAfterTheReadTimeout() {
        // GIVEN a client with a short read timeout and a Kling slower than that
        KlingClient impatient = clientFor(kling.baseUrl(), Duration.ofMillis(200));
        kling.replyAfter(Duration.ofSeconds(3), 200, Fixtures.read("official/create-submitted.json"));

        // WHEN
        long started = System.nanoTime();
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class, () -> impatient.create(request("5")));

        // THEN it gave up early, and the task may have been created anyway
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(e.code()).isEqualTo("timeout");
        assertThat(e.httpStatus()).isZero();
        assertThat(e.ambiguous()).isTrue();
    }

    @Test
    void create_should_throwUnambiguousIo_when_nothingListens() throws IOException {
        // GIVEN a base URL where nothing listens
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        KlingClient unreachable = clientFor(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(2));

        // WHEN
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class, () -> unreachable.create(request("5")));

        // THEN retryable, and the request cannot have reached Kling
        assertThat(e.code()).isEqualTo("io");
        assertThat(e.httpStatus()).isZero();
        assertThat(e.ambiguous()).isFalse();
    }

    @Test
    void create_should_throwRejectedWithoutCalling_when_keysAreMissing() {
        // GIVEN a source without a secret key
        credentials.rotateTo(KlingCredentials.official(ACCESS_KEY, null));

        // WHEN
        KlingRejectedException e = catchThrowableOfType(KlingRejectedException.class, () -> client.create(request("5")));

        // THEN
        assertThat(e.code()).isEqualTo("missing_credentials");
        assertThat(kling.requests()).isEmpty();
        assertThat(credentials.refreshes()).isEqualTo(1);
    }

    // ---- query

    static Stream<Arguments> officialStatuses() {
        return Stream.of(
                Arguments.of("official/query-submitted.json", new KlingTask(TASK_ID, "job-123", KlingTaskStatus.SUBMITTED, "submitted", "", null, null, null)),
                Arguments.of("official/query-processing.json", new KlingTask(TASK_ID, "job-123", KlingTaskStatus.PROCESSING, "processing", "", null, null, null)),
                Arguments.of("official/query-succeed.json", new KlingTask(TASK_ID, "job-123", KlingTaskStatus.SUCCEEDED, "succeed", "", Fixtures.VIDEO_URL, "5.1", "1", Duration.ofMillis(150_333))),
                Arguments.of("official/query-failed.json", new KlingTask(TASK_ID, "job-123", KlingTaskStatus.FAILED, "failed", "Image pixel is invalid", null, null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("officialStatuses")
    void query_should_getTheTaskAndReadItsStatus_when_official(String fixture, KlingTask expected) {
        // GIVEN
        kling.reply(200, Fixtures.read(fixture));

        // WHEN
        KlingTask task = client.query(TASK_ID);

        // THEN one bodiless GET on the query-one path
        RecordedRequest sent = kling.onlyRequest();
        assertThat(sent.method()).isEqualTo("GET");
        assertThat(sent.rawPath()).isEqualTo(TASK_PATH);
        assertThat(sent.body()).isEmpty();
        assertThat(sent.header("Accept")).isEqualTo("application/json");
        assertThat(sent.bearer()).isNotBlank();
        assertThat(task).isEqualTo(expected);
    }

    @Test
    void query_should_encodeTheIdAsOnePathSegment_when_itHasReservedCharacters() {
        // GIVEN
        kling.reply(200, Fixtures.read("official/query-processing.json"));

        // WHEN
        client.query("a/b c?d");

        // THEN
        assertThat(kling.onlyRequest().rawPath()).isEqualTo("/v1/videos/image2video/a%2Fb%20c%3Fd");
        assertThat(kling.onlyRequest().rawQuery()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/proxy/", "/proxy"})
    void query_should_joinThePathOnce_when_theBaseUrlHasATrailingSlashOrPrefix(String suffix) {
        // GIVEN a base URL with a trailing slash and/or a path prefix
        KlingClient prefixed = clientFor(URI.create(kling.baseUrl() + suffix), Duration.ofSeconds(5));
        kling.reply(200, Fixtures.read("official/query-processing.json"));

        // WHEN
        prefixed.query(TASK_ID);

        // THEN
        String prefix = suffix.replaceAll("/+$", "");
        assertThat(kling.onlyRequest().rawPath()).isEqualTo(prefix + TASK_PATH);
    }

    // ---- findByExternalId

    @Test
    void findByExternalId_should_queryWithTheExternalIdInThePath_when_taskExists() {
        // GIVEN
        kling.reply(200, Fixtures.read("official/query-succeed.json"));

        // WHEN
        Optional<KlingTask> task = client.findByExternalId("job-123");

        // THEN
        RecordedRequest sent = kling.onlyRequest();
        assertThat(sent.method()).isEqualTo("GET");
        assertThat(sent.rawPath()).isEqualTo("/v1/videos/image2video/job-123");
        assertThat(sent.rawQuery()).isNull();
        assertThat(task).hasValueSatisfying(found -> {
            assertThat(found.taskId()).isEqualTo(TASK_ID);
            assertThat(found.externalTaskId()).isEqualTo("job-123");
            assertThat(found.status()).isEqualTo(KlingTaskStatus.SUCCEEDED);
        });
        assertThat(client.supportsExternalLookup()).isTrue();
    }

    @ParameterizedTest(name = "HTTP {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "404 | {\"code\":1203,\"message\":\"task not found\",\"request_id\":\"r\"}",
            "400 | {\"code\":1203,\"message\":\"resource does not exist\",\"request_id\":\"r\"}",
            "400 | {\"code\":1201,\"message\":\"Task not exist\",\"request_id\":\"r\"}",
            "404 | ''"
    })
    void findByExternalId_should_returnEmpty_when_klingKnowsNoSuchTask(int status, String body) {
        // GIVEN
        kling.reply(status, body);

        // WHEN
        Optional<KlingTask> task = client.findByExternalId("job-unknown");

        // THEN
        assertThat(task).isEmpty();
    }

    @Test
    void findByExternalId_should_throw_when_klingFailsForAnotherReason() {
        // GIVEN
        kling.reply(429, Fixtures.officialError(1302, "api request too fast"));

        // WHEN
        KlingRetryableException e = catchThrowableOfType(KlingRetryableException.class, () -> client.findByExternalId("job-123"));

        // THEN the failure is not mistaken for "no task"
        assertThat(e.code()).isEqualTo("1302");
        assertThat(e.ambiguous()).isFalse();
    }

    private KlingClient clientFor(URI baseUrl, Duration readTimeout) {
        return new KlingClient(settings(baseUrl, readTimeout), credentials, clock);
    }

    private static KlingClientSettings settings(URI baseUrl, Duration readTimeout) {
        return new KlingClientSettings(KlingDialect.OFFICIAL, baseUrl, Duration.ofSeconds(2), readTimeout);
    }

    private static VideoRequest request(String duration) {
        return new VideoRequest("job-123", "https://media.example.com/in.png?X-Amz-Signature=abc%2F", null,
                new GenerationParameters("kling-v2-1", "std", duration, "a cat turns its head", "", 0.5, null));
    }
}
