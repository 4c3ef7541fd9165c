package com.klingvideo.pipeline.kling;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.domain.failure.KlingAccountException;
import com.klingvideo.pipeline.domain.failure.KlingException;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KlingErrorClassifierTest {

    @ParameterizedTest
    @ValueSource(strings = {"official/create-submitted.json", "official/query-failed.json", "gateway/create.json",
            "gateway/query-success.json", "gateway/query-failure.json"})
    void detect_should_findNoError_when_theAnswerIsASuccessShape(String fixture) {
        assertThat(KlingErrorClassifier.detect(200, Fixtures.read(fixture))).isEmpty();
    }

    @Test
    void detect_should_decideOnTheBusinessCode_when_http200CarriesAnErrorCode() {
        // GIVEN / WHEN an HTTP 200 whose body says 1303
        Optional<KlingError> error = KlingErrorClassifier.detect(200, Fixtures.officialError(1303, "parallel task over resource pack limit"));

        // THEN it is an error all the same
        assertThat(error).contains(new KlingError("1303", 200, "parallel task over resource pack limit", "req-1303"));
    }

    @Test
    void detect_should_unwrapKlingsBody_when_gatewayFailedToFetchTask() {
        // GIVEN the gateway passing Kling's error body as a string message
        String body = Fixtures.gatewayError("fail_to_fetch_task", Fixtures.officialError(1303, "parallel task over resource pack limit"));

        // WHEN
        Optional<KlingError> error = KlingErrorClassifier.detect(429, body);

        // THEN Kling's own code wins
        assertThat(error).contains(new KlingError("1303", 429, "parallel task over resource pack limit", "req-1303"));
    }

    @Test
    void detect_should_keepTheGatewayCode_when_failToFetchTaskCarriesNoJson() {
        // GIVEN / WHEN
        Optional<KlingError> error = KlingErrorClassifier.detect(502, Fixtures.gatewayError("fail_to_fetch_task", "upstream closed"));

        // THEN
        assertThat(error).contains(new KlingError("fail_to_fetch_task", 502, "upstream closed", null));
    }

    @Test
    void detect_should_readTheOpenAiStyleError_when_gatewayRejectsTheKey() {
        // GIVEN / WHEN
        Optional<KlingError> error = KlingErrorClassifier.detect(401,
                "{\"error\":{\"message\":\"invalid token\",\"type\":\"new_api_error\",\"code\":\"\"}}");

        // THEN the type stands in for the blank code
        assertThat(error).contains(new KlingError("new_api_error", 401, "invalid token", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "<html>Bad Gateway</html>", "{\"code\":0}"})
    void detect_should_nameTheHttpStatus_when_non2xxHasNoReadableCode(String body) {
        assertThat(KlingErrorClassifier.detect(503, body)).contains(new KlingError("http_503", 503, "", null));
    }

    @ParameterizedTest(name = "HTTP {0} code {1} on {2} -> {3}, ambiguous={4}")
    @CsvSource({
            "500, 5000, CREATE, retryable, true",
            "500, 5000, QUERY,  retryable, false",
            "502, 9999, CREATE, retryable, true",
            "400, 9999, CREATE, rejected,  false",
            "429, http_429, QUERY, retryable, false",
            "403, http_403, QUERY, rejected, false",
            "401, 1004, CREATE, retryable, false",
            "500, get_price_scale_failed, CREATE, rejected, false",
            "503, model_not_found, CREATE, rejected, false",
            "403, quota_not_enough, CREATE, account, false"
    })
    void toException_should_classifyByCodeThenStatus(int status, String code, KlingOperation operation, String kind, boolean ambiguous) {
        // GIVEN / WHEN
        KlingException exception = KlingErrorClassifier.toException(new KlingError(code, status, "m", null), operation);

        // THEN
        assertThat(exception).isInstanceOf(switch (kind) {
            case "retryable" -> KlingRetryableException.class;
            case "account" -> KlingAccountException.class;
            default -> KlingRejectedException.class;
        });
        assertThat(exception.code()).isEqualTo(code);
        assertThat(exception.httpStatus()).isEqualTo(status);
        if (exception instanceof KlingRetryableException retryable) {
            assertThat(retryable.ambiguous()).isEqualTo(ambiguous);
        }
    }

    @ParameterizedTest(name = "{0} on {1} -> task exists: {2}")
    @CsvSource(delimiter = '|', value = {
            "external_task_id already exists | CREATE | true",
            "Duplicate external_task_id | CREATE | true",
            "external_task_id already exists | QUERY | false",
            "image is invalid | CREATE | false",
            "external_task_id is invalid | CREATE | false"
    })
    void toException_should_sayTheTaskExists_when_aCreateIsRefusedForItsExternalTaskId(String message,
            KlingOperation operation, boolean exists) {
        KlingException exception = KlingErrorClassifier.toException(new KlingError("1201", 400, message, null), operation);
        assertThat(exception).isInstanceOf(KlingRejectedException.class);
        assertThat(exception instanceof com.klingvideo.pipeline.domain.failure.KlingTaskExistsException).isEqualTo(exists);
    }

    @Test
    void transportFailure_should_beAmbiguousTimeout_when_aCreateTimedOutAwaitingTheAnswer() {
        KlingRetryableException e = KlingErrorClassifier.transportFailure(new HttpTimeoutException("request timed out"), KlingOperation.CREATE);

        assertThat(e.code()).isEqualTo("timeout");
        assertThat(e.httpStatus()).isZero();
        assertThat(e.ambiguous()).isTrue();
    }

    @Test
    void transportFailure_should_notBeAmbiguous_when_theConnectionWasNeverMade() {
        assertThat(KlingErrorClassifier.transportFailure(new HttpConnectTimeoutException("connect timed out"), KlingOperation.CREATE).ambiguous()).isFalse();
        assertThat(KlingErrorClassifier.transportFailure(new ConnectException("refused"), KlingOperation.CREATE).ambiguous()).isFalse();
    }

    @Test
    void transportFailure_should_beAmbiguousIo_when_theConnectionBrokeDuringACreate() {
        KlingRetryableException e = KlingErrorClassifier.transportFailure(new IOException("connection reset"), KlingOperation.CREATE);

        assertThat(e.code()).isEqualTo("io");
        assertThat(e.ambiguous()).isTrue();
    }

    @Test
    void redact_should_maskSecrets_when_theServerEchoesThem() {
        KlingError error = new KlingError("1001", 401, "bad key sk-live-123456 for ak-1", null);

        assertThat(error.redact(List.of("sk-live-123456")).message()).isEqualTo("bad key *** for ak-1");
    }
}
