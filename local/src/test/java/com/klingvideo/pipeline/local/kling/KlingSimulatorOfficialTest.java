package com.klingvideo.pipeline.local.kling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.domain.KlingTask;
import com.klingvideo.pipeline.domain.KlingTaskStatus;
import com.klingvideo.pipeline.domain.VideoRequest;
import com.klingvideo.pipeline.domain.failure.KlingAccountException;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingClient;
import com.klingvideo.pipeline.kling.KlingClientSettings;
import com.klingvideo.pipeline.kling.KlingCredentials;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.model.GenerationParameters;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The official dialect, driven by the production {@link KlingClient} where it can be, raw HTTP where not. */
class KlingSimulatorOfficialTest extends SimulatorTestSupport {

    private static final String ACCESS_KEY = "ak-local-0123456789";
    private static final String SECRET_KEY = "sk-local-secret-abcdefghij";
    /** Stands for a URL of the image host that answers 404. */
    private static final String UNFETCHABLE = "unfetchable-url";


    // ---- lifecycle

    @Test
    void task_should_goFromSubmittedThroughProcessingToSucceed_when_timePasses() {
        // GIVEN a simulator and an image behind a presigned-style URL
        start(UnaryOperator.identity());
        String imageUrl = images.put("cat.jpg", TestImages.jpeg(640, 360));

        // WHEN a task is created and queried while the clock moves
        KlingTask created = client.create(request("job-1", imageUrl));
        KlingTask submitted = client.query(created.taskId());
        clock.advance(LATENCY.dividedBy(2));
        KlingTask processing = client.query(created.taskId());
        clock.advance(LATENCY);
        KlingTask done = client.query(created.taskId());

        // THEN it goes submitted -> processing -> succeed
        assertThat(created.taskId()).matches("[0-9]{18}");
        assertThat(created.externalTaskId()).isEqualTo("job-1");
        assertThat(created.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
        assertThat(submitted.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
        assertThat(processing.status()).isEqualTo(KlingTaskStatus.PROCESSING);
        assertThat(done.status()).isEqualTo(KlingTaskStatus.SUCCEEDED);
        assertThat(done.rawStatus()).isEqualTo("succeed");
        assertThat(done.statusMessage()).isEmpty();
        assertThat(done.videoDuration()).isEqualTo("5.1");
        assertThat(done.unitsDeducted()).isEqualTo("1");
        assertThat(done.videoUrl()).startsWith(simulator.baseUrl() + "/videos/" + created.taskId() + ".mp4?sig=");

        // AND its video is a real MP4 made from the image: 320 px wide, orange oval on blue
        HttpResponse<byte[]> video = Http.download(done.videoUrl());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(video.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(video.headers().firstValueAsLong("Content-Length")).hasValue(video.body().length);
        BufferedImage frame = Mp4.firstFrame(video.body());
        assertThat(frame.getWidth()).isEqualTo(320);
        assertThat(frame.getHeight()).isEqualTo(180);
        assertThat(new Color(frame.getRGB(160, 90)).getRed()).isGreaterThan(180);
        assertThat(new Color(frame.getRGB(4, 4)).getBlue()).isGreaterThan(120);

        // AND the simulator counted and recorded what it got
        SimulatorCounters counters = simulator.counters();
        assertThat(counters.tasksCreated()).isEqualTo(1);
        assertThat(counters.imageFetches()).isEqualTo(1);
        assertThat(counters.queriesServed()).isEqualTo(3);
        assertThat(counters.videoDownloads()).isEqualTo(1);
        assertThat(counters.activeTasks()).isZero();
        JsonNode received = simulator.receivedCreates().get(0);
        assertThat(received.path("image").asText()).isEqualTo(imageUrl);
        assertThat(received.path("duration").isTextual()).isTrue();
        assertThat(received.path("external_task_id").asText()).isEqualTo("job-1");
    }

    @Test
    void query_should_answerKlingsExactShape_when_taskSucceeded() {
        // GIVEN a 10 s pro task that has ended
        start(UnaryOperator.identity());
        ObjectNode body = validBody().put("mode", "pro").put("duration", "10").put("external_task_id", "job-shape");
        JsonNode created = Http.json(Http.post(createUri(), bearer(), body.toString()));
        String taskId = created.path("data").path("task_id").asText();
        clock.advance(LATENCY);

        // WHEN it is queried by HTTP
        HttpResponse<String> response = Http.get(taskUri(taskId), bearer());

        // THEN the envelope and the task are as Kling writes them
        assertThat(created.path("code").asInt(-1)).isZero();
        assertThat(created.path("message").asText()).isEqualTo("SUCCEED");
        assertThat(created.path("data").path("task_status").asText()).isEqualTo("submitted");
        assertThat(created.path("data").path("created_at").asLong()).isEqualTo(T0.toEpochMilli());
        JsonNode answer = Http.json(response);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(answer.path("request_id").asText()).matches("[0-9a-f-]{36}");
        JsonNode data = answer.path("data");
        assertThat(data.path("task_status").asText()).isEqualTo("succeed");
        assertThat(data.path("task_status_msg").asText()).isEmpty();
        assertThat(data.path("task_info").path("external_task_id").asText()).isEqualTo("job-shape");
        assertThat(data.path("final_unit_deduction").asText()).isEqualTo("4");
        assertThat(data.path("created_at").asLong()).isEqualTo(T0.toEpochMilli());
        assertThat(data.path("updated_at").asLong()).isEqualTo(T0.plus(LATENCY).toEpochMilli());
        JsonNode video = data.path("task_result").path("videos").path(0);
        assertThat(video.path("id").asText()).matches("[0-9]{18}").isNotEqualTo(taskId);
        assertThat(video.path("duration").asText()).isEqualTo("10.1");
    }

    @Test
    void findByExternalId_should_findTheTask_when_queriedByItsExternalTaskId() {
        // GIVEN a task created with an external_task_id
        start(UnaryOperator.identity());
        KlingTask created = client.create(request("job-ext", images.put("a.jpg", TestImages.jpeg(640, 360))));

        // WHEN it is looked up by that id, and by one nobody used
        Optional<KlingTask> found = client.findByExternalId("job-ext");
        Optional<KlingTask> unknown = client.findByExternalId("job-nobody-used");

        // THEN the first is the task, the second is empty (404, code 1203)
        assertThat(found).map(KlingTask::taskId).hasValue(created.taskId());
        assertThat(unknown).isEmpty();
        JsonNode notFound = Http.json(Http.get(taskUri("job-nobody-used"), bearer()));
        assertThat(notFound.path("code").asInt()).isEqualTo(1203);
    }

    @Test
    void task_should_endFailedWithTheInjectedReason_when_failNextTasksIsSet() {
        // GIVEN the next task is to fail
        start(UnaryOperator.identity());
        simulator.faults().failNextTasks(1, "Generation failed, please try again");
        String imageUrl = images.put("a.jpg", TestImages.jpeg(640, 360));

        // WHEN two tasks are created and run to their end
        KlingTask first = client.create(request("job-fail", imageUrl));
        KlingTask second = client.create(request("job-ok", imageUrl));
        clock.advance(LATENCY.minusSeconds(1));
        KlingTask stillProcessing = client.query(first.taskId());
        clock.advance(Duration.ofSeconds(1));
        KlingTask failed = client.query(first.taskId());
        KlingTask succeeded = client.query(second.taskId());

        // THEN the first fails only at the end, with the reason; the second is untouched
        assertThat(stillProcessing.status()).isEqualTo(KlingTaskStatus.PROCESSING);
        assertThat(failed.status()).isEqualTo(KlingTaskStatus.FAILED);
        assertThat(failed.statusMessage()).isEqualTo("Generation failed, please try again");
        assertThat(failed.videoUrl()).isNull();
        assertThat(failed.unitsDeducted()).isEqualTo("0");
        assertThat(succeeded.status()).isEqualTo(KlingTaskStatus.SUCCEEDED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "200x200 png,  200,  200, Image pixel is invalid",
            "1000x300 png, 1000, 300, Image aspect ratio is invalid",
            "not an image, 0,    0,   Image format is invalid"})
    void task_should_endFailedWithKlingsReason_when_imageBreaksThePictureRules(
            String name, int width, int height, String reason) {
        // GIVEN an image Kling would refuse to animate, sent as raw base64
        start(UnaryOperator.identity());
        byte[] image = width == 0 ? "GIF89a not really".getBytes() : TestImages.png(width, height);

        // WHEN it is sent, and its task queried after the submitted phase
        KlingTask created = client.create(request("job-bad", Base64.getEncoder().encodeToString(image)));
        clock.advance(LATENCY.dividedBy(4));
        KlingTask task = client.query(created.taskId());

        // THEN the create was accepted and the task failed with the reason, without holding its slot
        assertThat(created.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
        assertThat(task.status()).isEqualTo(KlingTaskStatus.FAILED);
        assertThat(task.statusMessage()).isEqualTo(reason);
        assertThat(simulator.counters().activeTasks()).isZero();
        assertThat(simulator.counters().imageFetches()).isZero();
    }

    // ---- concurrency

    @Test
    void create_should_answer1303_when_concurrencyFull() {
        // GIVEN an account with two parallel tasks, both taken
        start(config -> config.maxConcurrentTasks(2));
        String imageUrl = images.put("a.jpg", TestImages.jpeg(640, 360));
        client.create(request("job-a", imageUrl));
        client.create(request("job-b", imageUrl));

        // WHEN a third task is created, and again after the first two ended
        KlingRetryableException full = catchThrowableOfType(KlingRetryableException.class,
                () -> client.create(request("job-c", imageUrl)));
        clock.advance(LATENCY);
        KlingTask accepted = client.create(request("job-c", imageUrl));

        // THEN the first attempt is 1303 (HTTP 429, not ambiguous), the second is accepted
        assertThat(full.code()).isEqualTo("1303");
        assertThat(full.httpStatus()).isEqualTo(429);
        assertThat(full.ambiguous()).isFalse();
        assertThat(accepted.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
        SimulatorCounters counters = simulator.counters();
        assertThat(counters.createsRejected("1303")).isEqualTo(1);
        assertThat(counters.peakConcurrentTasks()).isEqualTo(2);
        assertThat(counters.activeTasks()).isEqualTo(1);
        assertThat(counters.tasksCreated()).isEqualTo(3);
    }

    @Test
    void create_should_neverAdmitMoreThanTheLimit_when_manyCreatesRace() throws Exception {
        // GIVEN a limit of 3 and 12 creates sent at once
        start(config -> config.maxConcurrentTasks(3));
        String image = Base64.getEncoder().encodeToString(TestImages.jpeg(400, 300));
        ExecutorService senders = Executors.newFixedThreadPool(12);
        List<Callable<String>> creates = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String jobId = "job-race-" + i;
            creates.add(() -> {
                try {
                    return client.create(request(jobId, image)).status().name();
                } catch (KlingRetryableException e) {
                    return e.code();
                }
            });
        }

        // WHEN they race
        List<String> outcomes = new ArrayList<>();
        try {
            for (Future<String> outcome : senders.invokeAll(creates)) {
                outcomes.add(outcome.get());
            }
        } finally {
            senders.shutdownNow();
        }

        // THEN exactly three got in and the peak never passed the limit
        assertThat(outcomes).filteredOn("SUBMITTED"::equals).hasSize(3);
        assertThat(outcomes).filteredOn("1303"::equals).hasSize(9);
        assertThat(simulator.counters().peakConcurrentTasks()).isEqualTo(3);
    }

    // ---- faults

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "RATE_LIMIT_1302,   1302,     429, false",
            "CONCURRENCY_1303,  1303,     429, false",
            "SERVER_ERROR_5000, 5000,     500, true",
            "HTTP_503_NO_BODY,  http_503, 503, true"})
    void create_should_throwRetryable_when_faultIsInjected(Fault fault, String code, int httpStatus, boolean ambiguous) {
        // GIVEN the next create is to fail
        start(UnaryOperator.identity());
        simulator.faults().failNextCreates(1, fault);
        String imageUrl = images.put("a.jpg", TestImages.jpeg(640, 360));

        // WHEN two creates are sent
        KlingRetryableException failure = catchThrowableOfType(KlingRetryableException.class,
                () -> client.create(request("job-1", imageUrl)));
        KlingTask retried = client.create(request("job-1", imageUrl));

        // THEN the first fails as Kling would, the retry goes through
        assertThat(failure.code()).isEqualTo(code);
        assertThat(failure.httpStatus()).isEqualTo(httpStatus);
        assertThat(failure.ambiguous()).isEqualTo(ambiguous);
        assertThat(retried.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
        assertThat(simulator.counters().createsRejected(code)).isEqualTo(1);
        assertThat(simulator.counters().tasksCreated()).isEqualTo(1);
    }

    @Test
    void create_should_timeOutAmbiguously_andStillCreateTheTask_when_answerStalls() throws Exception {
        // GIVEN a client that waits 300 ms and a create that stalls for a second
        start(config -> config.stallDuration(Duration.ofSeconds(1)));
        KlingClient impatient = client(KlingCredentials.official(ACCESS_KEY, SECRET_KEY), clock, Duration.ofMillis(300));
        simulator.faults().failNextCreates(1, Fault.TIMEOUT);

        // WHEN the create is sent
        KlingRetryableException timeout = catchThrowableOfType(KlingRetryableException.class,
                () -> impatient.create(request("job-slow", images.put("a.jpg", TestImages.jpeg(640, 360)))));

        // THEN the client gave up, knowing the task may exist
        assertThat(timeout.code()).isEqualTo("timeout");
        assertThat(timeout.ambiguous()).isTrue();
        // AND it does: the stalled create went on, so a lookup by external id finds it
        awaitTasksCreated(1);
        assertThat(client.findByExternalId("job-slow")).isPresent();
    }

    @Test
    void create_should_createTheTaskAtOnce_andRefuseADuplicate_when_itsAnswerIsLostAndLookupsLag() throws Exception {
        // GIVEN a client that waits 300 ms, a create whose answer is held back, and lookups trailing writes
        start(UnaryOperator.identity());
        KlingClient impatient = client(KlingCredentials.official(ACCESS_KEY, SECRET_KEY), clock, Duration.ofMillis(300));
        String imageUrl = images.put("a.jpg", TestImages.jpeg(640, 360));
        simulator.faults().loseNextCreateAnswers(1, Duration.ofSeconds(1)).lagLookups(Duration.ofSeconds(10));

        // WHEN the create times out, the task is looked up, and the create is sent again
        KlingRetryableException timeout = catchThrowableOfType(KlingRetryableException.class,
                () -> impatient.create(request("job-lost", imageUrl)));
        java.util.Optional<KlingTask> lookup = client.findByExternalId("job-lost");
        KlingRejectedException duplicate = catchThrowableOfType(KlingRejectedException.class,
                () -> client.create(request("job-lost", imageUrl)));

        // THEN the task was created at once, the lookup missed it, and the resubmit was refused
        assertThat(timeout.ambiguous()).isTrue();
        assertThat(simulator.counters().tasksCreated()).isEqualTo(1);
        assertThat(lookup).isEmpty();
        assertThat(duplicate).isInstanceOf(com.klingvideo.pipeline.domain.failure.KlingTaskExistsException.class);
        assertThat(duplicate.code()).isEqualTo("1201");
        // AND once the lag has passed, the lookup finds it
        clock.advance(Duration.ofSeconds(10));
        assertThat(client.findByExternalId("job-lost")).isPresent();
    }

    @Test
    void create_should_throwAccountException_when_resourcePackIsUsedUp() {
        // GIVEN Kling says the resource pack is used up
        start(UnaryOperator.identity());
        simulator.faults().failNextCreates(1, Fault.ACCOUNT_1102);

        // WHEN a create is sent
        KlingAccountException failure = catchThrowableOfType(KlingAccountException.class,
                () -> client.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360)))));

        // THEN it is an account problem, code 1102
        assertThat(failure.code()).isEqualTo("1102");
        assertThat(failure.httpStatus()).isEqualTo(429);
    }

    @Test
    void create_should_answer5000_when_outage_untilItIsTurnedOff() {
        // GIVEN an outage and an existing task
        start(UnaryOperator.identity());
        String imageUrl = images.put("a.jpg", TestImages.jpeg(640, 360));
        KlingTask before = client.create(request("job-before", imageUrl));
        simulator.faults().outage(true);

        // WHEN creates and a query are sent during it, and a create after it
        KlingRetryableException first = catchThrowableOfType(KlingRetryableException.class,
                () -> client.create(request("job-1", imageUrl)));
        KlingRetryableException second = catchThrowableOfType(KlingRetryableException.class,
                () -> client.create(request("job-1", imageUrl)));
        KlingTask queried = client.query(before.taskId());
        simulator.faults().outage(false);
        KlingTask after = client.create(request("job-1", imageUrl));

        // THEN every create during it got 5000, queries were served, and creates work again after
        assertThat(first.code()).isEqualTo("5000");
        assertThat(second.code()).isEqualTo("5000");
        assertThat(queried.taskId()).isEqualTo(before.taskId());
        assertThat(after.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
    }

    @Test
    void query_should_fail_during_a_statusOutage_while_creates_work_and_tasks_go_on() {
        // GIVEN a task, and a status outage
        start(UnaryOperator.identity());
        String imageUrl = images.put("a.jpg", TestImages.jpeg(640, 360));
        KlingTask before = client.create(request("job-before", imageUrl));
        simulator.faults().statusOutage(true);

        // WHEN it is queried twice and a create is sent during it, then queried after it
        KlingRetryableException first = catchThrowableOfType(KlingRetryableException.class,
                () -> client.query(before.taskId()));
        KlingRetryableException second = catchThrowableOfType(KlingRetryableException.class,
                () -> client.query(before.taskId()));
        KlingTask created = client.create(request("job-1", imageUrl));
        simulator.faults().statusOutage(false);

        // THEN the queries failed (503 without a body, then 5000), the create was served, and the
        // tasks are there afterwards
        assertThat(List.of(first.httpStatus(), second.httpStatus())).containsExactlyInAnyOrder(503, 500);
        assertThat(created.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
        assertThat(client.query(before.taskId()).taskId()).isEqualTo(before.taskId());
        assertThat(client.query(created.taskId()).taskId()).isEqualTo(created.taskId());
    }

    @Test
    void query_should_throwRetryable_when_queryFaultIsInjected() {
        // GIVEN a task and a rate-limited query
        start(UnaryOperator.identity());
        KlingTask created = client.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360))));
        simulator.faults().failNextQueries(1, Fault.RATE_LIMIT_1302);

        // WHEN it is queried twice
        KlingRetryableException failure = catchThrowableOfType(KlingRetryableException.class,
                () -> client.query(created.taskId()));
        KlingTask task = client.query(created.taskId());

        // THEN the first query is refused with 1302, the second answered
        assertThat(failure.code()).isEqualTo("1302");
        assertThat(task.status()).isEqualTo(KlingTaskStatus.SUBMITTED);
    }

    // ---- authentication

    @Test
    void create_should_beRejectedWith1000_when_jwtIsSignedWithAnotherSecret() {
        // GIVEN a client holding the wrong secret key
        start(UnaryOperator.identity());
        KlingClient wrongSecret = client(KlingCredentials.official(ACCESS_KEY, "not-the-secret-key"), clock, Duration.ofSeconds(5));

        // WHEN it creates a task
        KlingRejectedException failure = catchThrowableOfType(KlingRejectedException.class,
                () -> wrongSecret.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360)))));

        // THEN Kling refuses with 1000 and creates nothing
        assertThat(failure.code()).isEqualTo("1000");
        assertThat(failure.httpStatus()).isEqualTo(401);
        assertThat(simulator.counters().tasksCreated()).isZero();
        assertThat(simulator.counters().createsRejected("1000")).isEqualTo(1);
    }

    @Test
    void create_should_beRefusedWith1004_when_tokenHasExpired() {
        // GIVEN a client whose clock is 31 minutes behind Kling's, so each token it signs is already expired
        start(UnaryOperator.identity());
        Clock lateClock = Clock.fixed(T0.minus(Duration.ofMinutes(31)), clock.getZone());
        KlingClient late = client(KlingCredentials.official(ACCESS_KEY, SECRET_KEY), lateClock, Duration.ofSeconds(5));

        // WHEN it creates a task
        KlingRetryableException failure = catchThrowableOfType(KlingRetryableException.class,
                () -> late.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360)))));

        // THEN both the first token and the re-signed one were refused with 1004
        assertThat(failure.code()).isEqualTo("1004");
        assertThat(failure.httpStatus()).isEqualTo(401);
        assertThat(simulator.counters().createsRejected("1004")).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void query_should_answer401WithKlingsCode_when_tokenIsNotAcceptable(String name, String authorization, int code) {
        // GIVEN a simulator
        start(UnaryOperator.identity());

        // WHEN a query carries the token
        HttpResponse<String> response = Http.get(taskUri("842250903629086785"), authorization);

        // THEN Kling's 401 with the code
        JsonNode body = Http.json(response);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(body.path("code").asInt()).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.path("request_id").asText()).isNotBlank();
    }

    static Stream<Arguments> badTokens() {
        long now = T0.getEpochSecond();
        return Stream.of(
                Arguments.of("no header", null, 1001),
                Arguments.of("not Bearer", "Basic YWs6c2s=", 1002),
                Arguments.of("not a JWT", "Bearer not-a-jwt", 1002),
                Arguments.of("alg none", TestJwt.bearer("{\"alg\":\"none\"}",
                        "{\"iss\":\"" + ACCESS_KEY + "\",\"exp\":" + (now + 60) + "}", SECRET_KEY), 1002),
                Arguments.of("no exp", TestJwt.bearer("{\"iss\":\"" + ACCESS_KEY + "\"}", SECRET_KEY), 1002),
                Arguments.of("unknown issuer", TestJwt.bearer(
                        "{\"iss\":\"someone-else\",\"exp\":" + (now + 60) + "}", SECRET_KEY), 1000),
                Arguments.of("not yet valid", TestJwt.bearer("{\"iss\":\"" + ACCESS_KEY + "\",\"exp\":" + (now + 1800)
                        + ",\"nbf\":" + (now + 60) + "}", SECRET_KEY), 1003),
                Arguments.of("expired", TestJwt.bearer("{\"iss\":\"" + ACCESS_KEY + "\",\"exp\":" + now
                        + ",\"nbf\":" + (now - 1800) + "}", SECRET_KEY), 1004));
    }

    // ---- create parameters

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badParameters")
    void create_should_answer400With1201_when_aParameterBreaksKlingsRules(String field, Object value, String message) {
        // GIVEN a valid body but for one field
        start(UnaryOperator.identity());
        ObjectNode body = validBody();
        body.set(field, Http.JSON.valueToTree(UNFETCHABLE.equals(value) ? images.urlOfNothing() : value));

        // WHEN it is sent
        HttpResponse<String> response = Http.post(createUri(), bearer(), body.toString());

        // THEN 400, code 1201, the field named; no task
        JsonNode answer = Http.json(response);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(answer.path("code").asInt()).isEqualTo(1201);
        assertThat(answer.path("message").asText()).isEqualTo(message);
        assertThat(simulator.counters().tasksCreated()).isZero();
        assertThat(simulator.counters().createsRejected("1201")).isEqualTo(1);
    }

    static Stream<Arguments> badParameters() {
        return Stream.of(
                Arguments.of("duration", 5, "duration is invalid"),
                Arguments.of("duration", "15", "duration is invalid"),
                Arguments.of("mode", "standard", "mode is invalid"),
                Arguments.of("model_name", "kling-v9", "model_name is invalid"),
                Arguments.of("cfg_scale", 5.0, "cfg_scale is invalid"),
                Arguments.of("prompt", "p".repeat(2501), "prompt is too long, at most 2500 characters"),
                Arguments.of("image", "data:image/jpeg;base64,/9j/4AAQ", "image is invalid"),
                Arguments.of("image", UNFETCHABLE, "image url could not be fetched"));
    }

    @Test
    void create_should_answer1201_when_modelModeOrDurationTakesNoEndFrame() {
        // GIVEN an end frame for kling-v2-1 in std mode, which takes one only in pro mode
        start(UnaryOperator.identity());
        ObjectNode body = validBody().put("image_tail", Base64.getEncoder().encodeToString(TestImages.jpeg(640, 360)));

        // WHEN it is sent, then again in pro mode
        HttpResponse<String> refused = Http.post(createUri(), bearer(), body.toString());
        HttpResponse<String> accepted = Http.post(createUri(), bearer(), body.put("mode", "pro").toString());

        // THEN Kling's refusal first, no task; then a task
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Http.json(refused).path("code").asInt()).isEqualTo(1201);
        assertThat(Http.json(refused).path("message").asText())
                .isEqualTo("image_tail is not supported by kling-v2-1 with mode std and duration 5");
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(simulator.counters().tasksCreated()).isEqualTo(1);
    }

    @Test
    void create_should_answer1201_when_externalTaskIdIsUsedAgain() {
        // GIVEN a task with an external_task_id
        start(UnaryOperator.identity());
        String imageUrl = images.put("a.jpg", TestImages.jpeg(640, 360));
        KlingTask first = client.create(request("job-1", imageUrl));

        // WHEN another create uses the same one
        KlingRejectedException failure = catchThrowableOfType(KlingRejectedException.class,
                () -> client.create(request("job-1", imageUrl)));

        // THEN it is refused and the first task stays the one the id names
        assertThat(failure.code()).isEqualTo("1201");
        assertThat(failure.getMessage()).contains("external_task_id already exists");
        assertThat(client.findByExternalId("job-1")).map(KlingTask::taskId).hasValue(first.taskId());
    }

    // ---- list

    @Test
    void list_should_answerTasksNewestFirst_when_paged() {
        // GIVEN two tasks, a second apart
        start(UnaryOperator.identity());
        String imageUrl = images.put("a.jpg", TestImages.jpeg(640, 360));
        client.create(request("job-old", imageUrl));
        clock.advance(Duration.ofSeconds(1));
        KlingTask newest = client.create(request("job-new", imageUrl));

        // WHEN the first page of one is asked for, and a page size Kling does not allow
        JsonNode page = Http.json(Http.get(URI.create(createUri() + "?pageNum=1&pageSize=1"), bearer()));
        HttpResponse<String> tooBig = Http.get(URI.create(createUri() + "?pageNum=1&pageSize=501"), bearer());

        // THEN the newest task alone; and 1201 for the page size
        assertThat(page.path("data")).hasSize(1);
        assertThat(page.path("data").path(0).path("task_id").asText()).isEqualTo(newest.taskId());
        assertThat(tooBig.statusCode()).isEqualTo(400);
        assertThat(Http.json(tooBig).path("code").asInt()).isEqualTo(1201);
    }

    // ---- video URLs

    @Test
    void video_should_answer403_when_itsQueryIsNotExactlyAsIssued() {
        // GIVEN a task that succeeded
        start(UnaryOperator.identity());
        KlingTask created = client.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360))));
        clock.advance(LATENCY);
        String url = client.query(created.taskId()).videoUrl();
        String withoutQuery = url.substring(0, url.indexOf('?'));

        // WHEN the URL is fetched as issued and in the ways careless clients mangle it
        int intact = Http.download(url).statusCode();
        int dropped = Http.download(withoutQuery).statusCode();
        int forged = Http.download(url.replace("sig=", "sig=A")).statusCode();
        int decoded = Http.download(url.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")).statusCode();
        int encodedTwice = Http.download(url.replace("%", "%25")).statusCode();
        int otherTask = Http.download(url.replace(created.taskId(), "860000000000000001")).statusCode();
        clock.advance(Duration.ofHours(25));
        int expired = Http.download(url).statusCode();

        // THEN only the intact, unexpired URL is served
        assertThat(intact).isEqualTo(200);
        assertThat(List.of(dropped, forged, decoded, encodedTwice, otherTask, expired)).containsOnly(403);
    }

    @Test
    void video_should_beStreamedWithoutLength_when_chunkedVideoIsOn() {
        // GIVEN a simulator in chunked mode and a task that succeeded
        start(config -> config.chunkedVideo(true));
        KlingTask created = client.create(request("job-1", images.put("a.jpg", TestImages.jpeg(640, 360))));
        clock.advance(LATENCY);

        // WHEN its video is downloaded
        HttpResponse<byte[]> video = Http.download(client.query(created.taskId()).videoUrl());

        // THEN it comes without Content-Length, chunked, whole
        assertThat(video.headers().firstValue("Content-Length")).isEmpty();
        assertThat(video.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        Mp4.firstFrame(video.body());
    }

    @Test
    void simulator_should_answer404_when_routeIsUnknown() {
        // GIVEN a simulator
        start(UnaryOperator.identity());

        // WHEN routes it does not have are asked for
        int gatewayRoute = Http.get(URI.create(simulator.baseUrl() + "/kling/v1/videos/image2video/1"), bearer()).statusCode();
        int otherRoute = Http.get(URI.create(simulator.baseUrl() + "/v1/videos/text2video"), bearer()).statusCode();

        // THEN 404
        assertThat(List.of(gatewayRoute, otherRoute)).containsOnly(404);
    }

    @Test
    void stop_should_freeThePort_when_called() throws IOException {
        // GIVEN a running simulator
        start(UnaryOperator.identity());
        int port = simulator.baseUrl().getPort();

        // WHEN it stops
        simulator.stop();

        // THEN the port can be bound again
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    // ---- helpers

    @Override
    SimulatorConfig.Builder config() {
        return SimulatorConfig.official(ACCESS_KEY, SECRET_KEY).clock(clock).taskLatency(LATENCY).maxConcurrentTasks(5);
    }

    @Override
    KlingClient defaultClient() {
        return client(KlingCredentials.official(ACCESS_KEY, SECRET_KEY), clock, Duration.ofSeconds(5));
    }

    private KlingClient client(KlingCredentials credentials, Clock clientClock, Duration readTimeout) {
        return new KlingClient(new KlingClientSettings(KlingDialect.OFFICIAL, simulator.baseUrl(), Duration.ofSeconds(2),
                readTimeout), () -> credentials, clientClock);
    }

    private static VideoRequest request(String externalTaskId, String image) {
        return new VideoRequest(externalTaskId, image, null,
                new GenerationParameters("kling-v2-1", "std", "5", "a cat turns its head", "", 0.5, null));
    }

    private static ObjectNode validBody() {
        return Http.JSON.createObjectNode()
                .put("model_name", "kling-v2-1")
                .put("image", Base64.getEncoder().encodeToString(TestImages.jpeg(640, 360)))
                .put("prompt", "a cat turns its head")
                .put("mode", "std")
                .put("duration", "5");
    }

    private String bearer() {
        long now = clock.instant().getEpochSecond();
        return TestJwt.bearer("{\"iss\":\"" + ACCESS_KEY + "\",\"exp\":" + (now + 1800) + ",\"nbf\":" + (now - 5) + "}",
                SECRET_KEY);
    }

    private URI createUri() {
        return URI.create(simulator.baseUrl() + "/v1/videos/image2video");
    }

    private URI taskUri(String id) {
        return URI.create(createUri() + "/" + id);
    }

    private void awaitTasksCreated(long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (simulator.counters().tasksCreated() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(simulator.counters().tasksCreated()).isEqualTo(count);
    }
}
