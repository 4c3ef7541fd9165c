package com.klingvideo.pipeline.kling;

import java.time.Duration;
import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.domain.KlingTask;
import com.klingvideo.pipeline.domain.KlingTaskStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KlingResponseParserTest {

    @Test
    void parseTask_should_readEveryField_when_officialSucceed() {
        // GIVEN Kling's documented succeed answer
        // WHEN
        KlingTask task = KlingResponseParser.parseTask(Fixtures.read("official/query-succeed.json")).orElseThrow();

        // THEN
        assertThat(task).isEqualTo(new KlingTask("842250903629086785", "job-123", KlingTaskStatus.SUCCEEDED,
                "succeed", "", Fixtures.VIDEO_URL, "5.1", "1", Duration.ofMillis(150_333)));
    }

    @Test
    void parseTask_should_readTheReasonFromTaskStatusMsg_when_officialFailed() {
        // GIVEN a failed task: HTTP 200, code 0, empty task_result
        // WHEN
        KlingTask task = KlingResponseParser.parseTask(Fixtures.read("official/query-failed.json")).orElseThrow();

        // THEN
        assertThat(task).isEqualTo(new KlingTask("842250903629086785", "job-123", KlingTaskStatus.FAILED,
                "failed", "Image pixel is invalid", null, null, null));
    }

    @Test
    void parseTask_should_preferTheRawOfficialBody_when_gatewayWrapperSucceeded() {
        // GIVEN a gateway query wrapper around the raw official succeed body
        // WHEN
        KlingTask task = KlingResponseParser.parseTask(Fixtures.read("gateway/query-success.json")).orElseThrow();

        // THEN the inner body's status word, video, duration and deduction are used
        assertThat(task).isEqualTo(new KlingTask("842250903629086785", "job-123", KlingTaskStatus.SUCCEEDED,
                "succeed", "", Fixtures.VIDEO_URL, "5.1", "1", Duration.ofMillis(150_333)));
    }

    @Test
    void parseTask_should_readTheReasonFromTheInnerBody_when_gatewayFailure() {
        // GIVEN a gateway FAILURE whose fail_reason is the useless "SUCCEED"
        // WHEN
        KlingTask task = KlingResponseParser.parseTask(Fixtures.read("gateway/query-failure.json")).orElseThrow();

        // THEN the reason is data.data.data.task_status_msg
        assertThat(task.status()).isEqualTo(KlingTaskStatus.FAILED);
        assertThat(task.statusMessage()).isEqualTo("Image pixel is invalid");
        assertThat(task.videoUrl()).isNull();
    }

    @Test
    void parseTask_should_readTheInnerBody_when_gatewayPassesItAsAJsonString() {
        // GIVEN a wrapper whose raw official body arrives as a string
        String body = """
                {"code":"success","message":"","data":{"task_id":"t-1","status":"FAILURE","fail_reason":"SUCCEED",
                 "data":"{\\"code\\":0,\\"data\\":{\\"task_id\\":\\"t-1\\",\\"task_status\\":\\"failed\\",\\"task_status_msg\\":\\"Image too small\\"}}"}}""";

        // WHEN
        KlingTask task = KlingResponseParser.parseTask(body).orElseThrow();

        // THEN
        assertThat(task.status()).isEqualTo(KlingTaskStatus.FAILED);
        assertThat(task.statusMessage()).isEqualTo("Image too small");
    }

    @Test
    void parseTask_should_takeTheVideoFromFailReason_when_gatewaySucceededWithoutInnerBody() {
        // GIVEN a SUCCESS wrapper without the raw body
        String body = """
                {"code":"success","message":"","data":{"task_id":"t-2","status":"SUCCESS","progress":"100%",
                 "fail_reason":"VIDEO_URL","data":null}}""".replace("VIDEO_URL", Fixtures.VIDEO_URL);

        // WHEN
        KlingTask task = KlingResponseParser.parseTask(body).orElseThrow();

        // THEN the URL is kept byte for byte
        assertThat(task).isEqualTo(new KlingTask("t-2", null, KlingTaskStatus.SUCCEEDED, "SUCCESS", "", Fixtures.VIDEO_URL, null, null));
    }

    @Test
    void parseTask_should_takeTheRunTimeFromSubmitAndFinishTimes_when_gatewaySucceededWithoutInnerBody() {
        // GIVEN a SUCCESS wrapper without the raw body, with the gateway's own times in seconds
        String body = """
                {"code":"success","message":"","data":{"task_id":"t-2","status":"SUCCESS","progress":"100%",
                 "submit_time":1767772800,"start_time":1767772830,"finish_time":1767772964,
                 "fail_reason":"https://v.example/x.mp4","data":null}}""";

        // WHEN / THEN the run time is from submission to finish
        assertThat(KlingResponseParser.parseTask(body).orElseThrow().runTime()).isEqualTo(Duration.ofSeconds(164));
    }

    @Test
    void parseTask_should_haveNoRunTime_when_taskStillRunsOrFailed() {
        // GIVEN answers with both times, for tasks that have not succeeded
        // WHEN / THEN no run time is learned from them
        assertThat(KlingResponseParser.parseTask(Fixtures.read("official/query-processing.json")).orElseThrow().runTime())
                .isNull();
        assertThat(KlingResponseParser.parseTask(Fixtures.read("official/query-failed.json")).orElseThrow().runTime())
                .isNull();
    }

    @Test
    void parseTask_should_neverUseFailReasonAsTheReason_when_gatewayFailedWithoutInnerBody() {
        // GIVEN a FAILURE wrapper without the raw body
        String body = """
                {"code":"success","message":"","data":{"task_id":"t-3","status":"FAILURE","fail_reason":"SUCCEED","data":null}}""";

        // WHEN
        KlingTask task = KlingResponseParser.parseTask(body).orElseThrow();

        // THEN failed, with no invented reason and no URL
        assertThat(task.status()).isEqualTo(KlingTaskStatus.FAILED);
        assertThat(task.statusMessage()).isEmpty();
        assertThat(task.videoUrl()).isNull();
    }

    @Test
    void parseTask_should_readTheGatewayCreateObject_when_statusIsBlank() {
        // GIVEN the gateway's create answer
        // WHEN
        KlingTask task = KlingResponseParser.parseTask(Fixtures.read("gateway/create.json")).orElseThrow();

        // THEN a blank status counts as processing
        assertThat(task).isEqualTo(new KlingTask("842250903629086785", null, KlingTaskStatus.PROCESSING, "", "", null, null, null));
    }

    @Test
    void parseTask_should_readTheBareOfficialTask_when_noEnvelope() {
        // GIVEN a bare task object, as a callback carries it
        String body = """
                {"task_id":"t-4","task_status":"processing","task_status_msg":"","task_info":{"external_task_id":"job-4"}}""";

        // WHEN
        KlingTask task = KlingResponseParser.parseTask(body).orElseThrow();

        // THEN
        assertThat(task).isEqualTo(new KlingTask("t-4", "job-4", KlingTaskStatus.PROCESSING, "processing", "", null, null, null));
    }

    @Test
    void parseTask_should_keepTheGatewaysOwnId_when_itDiffersFromKlings() {
        // GIVEN a gateway that issues its own task ids
        String body = """
                {"code":"success","data":{"task_id":"task_gw_1","status":"IN_PROGRESS",
                 "data":{"code":0,"data":{"task_id":"842250903629086785","task_status":"processing"}}}}""";

        // WHEN
        KlingTask task = KlingResponseParser.parseTask(body).orElseThrow();

        // THEN the id is the one the gateway's query route knows
        assertThat(task.taskId()).isEqualTo("task_gw_1");
        assertThat(task.status()).isEqualTo(KlingTaskStatus.PROCESSING);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "submitted, SUBMITTED", "processing, PROCESSING", "succeed, SUCCEEDED", "failed, FAILED",
            "NOT_START, SUBMITTED", "SUBMITTED, SUBMITTED", "QUEUED, SUBMITTED", "IN_PROGRESS, PROCESSING",
            "UNKNOWN, PROCESSING", "SUCCESS, SUCCEEDED", "FAILURE, FAILED", "'', PROCESSING", "something_new, PROCESSING"
    })
    void parseTask_should_mapTheStatus_when_eitherDialectsWordIsReported(String raw, KlingTaskStatus expected) {
        // GIVEN a gateway wrapper without raw body carrying the status word
        String body = "{\"code\":\"success\",\"data\":{\"task_id\":\"t-5\",\"status\":\"" + raw + "\"}}";

        // WHEN
        KlingTask task = KlingResponseParser.parseTask(body).orElseThrow();

        // THEN
        assertThat(task.status()).isEqualTo(expected);
        assertThat(task.rawStatus()).isEqualTo(raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{\"code\":0,\"message\":\"SUCCEED\",\"data\":null}",
            "{\"code\":0,\"data\":{\"task_status\":\"submitted\"}}", "{\"code\":\"success\",\"data\":{\"status\":\"SUCCESS\"}}"})
    void parseTask_should_returnEmpty_when_noTaskIdCanBeRead(String body) {
        // GIVEN / WHEN
        Optional<KlingTask> task = KlingResponseParser.parseTask(body);

        // THEN
        assertThat(task).isEmpty();
    }
}
