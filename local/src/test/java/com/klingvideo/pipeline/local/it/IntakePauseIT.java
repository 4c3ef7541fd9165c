package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.local.kling.Fault;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kling reports an account problem (1102, resource pack used up): intake pauses, queued jobs stay
 * QUEUED, no create leaves; an operator resumes it through the IAM-signed admin route, or a half-open
 * probe does after the probe time. The reaper runs every second, as its schedule would, to let the probe go.
 */
class IntakePauseIT {
    @RegisterExtension
    static final LocalStackExtension LOCAL = new LocalStackExtension(state -> LocalStackOptions.forTests(state)
            .withSimulator(KlingDialect.OFFICIAL, Duration.ofSeconds(2), 2)
            .withTuning(Map.of("INTAKE_PROBE_SECONDS", "10"))
            .withScheduleEvery(Duration.ofSeconds(1)));

    @Test
    void accountProblem_should_pauseIntakeKeepingJobsQueued_until_anOperatorResumes() {
        // GIVEN Kling answers the next create with 1102
        LOCAL.stack().simulator().faults().failNextCreates(1, Fault.ACCOUNT_1102);
        long created = LOCAL.stack().simulator().counters().tasksCreated();
        String first = LOCAL.driver().upload("pack-used-up.jpg", TestImages.jpeg(640, 480), Map.of());
        JsonNode capacity = awaitPaused();
        assertThat(capacity.path("pause").path("by").asText()).isEqualTo("KLING");
        assertThat(capacity.path("pause").path("reason").asText()).contains("1102");

        // WHEN another image arrives while paused
        String second = LOCAL.driver().upload("while-paused.jpg", TestImages.jpeg(640, 480), Map.of());
        StackDriver.sleep(2_000);

        // THEN both wait QUEUED (not FAILED) and no create request left
        for (String jobId : new String[] {first, second}) {
            Job job = LOCAL.driver().job(jobId).orElseThrow();
            assertThat(job.status()).as(jobId).isEqualTo(JobStatus.QUEUED);
        }
        assertThat(LOCAL.stack().simulator().counters().tasksCreated()).isEqualTo(created);
        // an unsigned request to the admin route is refused before the function
        assertThat(LOCAL.driver().apiPost("/admin/intake/resume", "{}").statusCode()).isEqualTo(403);

        // WHEN the operator resumes intake with signed credentials
        HttpResponse<String> resumed = LOCAL.driver().adminPost("/admin/intake/resume", "");
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        assertThat(StackDriver.json(resumed.body()).path("intakePaused").asBoolean()).isFalse();

        // THEN both jobs go ahead and succeed
        assertThat(LOCAL.driver().awaitFinal(first).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(LOCAL.driver().awaitFinal(second).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void pausedIntake_should_resumeItself_when_theHalfOpenProbeIsAccepted() {
        // GIVEN intake paused by an account problem
        LOCAL.stack().simulator().faults().failNextCreates(1, Fault.ACCOUNT_1102);
        String jobId = LOCAL.driver().upload("probe.jpg", TestImages.jpeg(640, 480), Map.of());
        awaitPaused();

        // WHEN the account is healthy again (no fault left) and the probe time comes
        // THEN one job probes, Kling accepts it, and intake resumes by itself
        assertThat(LOCAL.driver().await(jobId, Duration.ofSeconds(60), StackDriver.FINAL).status())
                .isEqualTo(JobStatus.SUCCEEDED);
        assertThat(LOCAL.driver().apiGet("/capacity").path("intakePaused").asBoolean()).isFalse();
        assertThat(LOCAL.driver().createsFor(jobId)).hasSize(2);
    }

    @Test
    void operator_should_pauseAndResumeIntake() {
        HttpResponse<String> paused = LOCAL.driver().adminPost("/admin/intake/pause", "{\"reason\":\"top-up\"}");
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        JsonNode capacity = StackDriver.json(paused.body());
        assertThat(capacity.path("pause").path("by").asText()).isEqualTo("OPERATOR");
        // the operator's IAM identity is logged, not shown to every API key holder
        assertThat(capacity.path("pause").path("reason").asText()).isEqualTo("top-up");
        String jobId = LOCAL.driver().upload("operator-paused.jpg", TestImages.jpeg(640, 480), Map.of());
        StackDriver.sleep(1_500);
        assertThat(LOCAL.driver().job(jobId).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(LOCAL.driver().createsFor(jobId)).isEmpty();

        assertThat(LOCAL.driver().adminPost("/admin/intake/resume", "").statusCode()).isEqualTo(200);
        assertThat(LOCAL.driver().awaitFinal(jobId).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void overwrittenKey_should_leaveEachWaitingJobWithItsOwnVersion() throws Exception {
        // GIVEN intake paused, an image uploaded, and the same key overwritten with another image
        assertThat(LOCAL.driver().adminPost("/admin/intake/pause", "{\"reason\":\"maintenance\"}").statusCode())
                .isEqualTo(200);
        byte[] firstImage = TestImages.jpeg(640, 480);
        byte[] secondImage = TestImages.jpeg(800, 600);
        String first = LOCAL.driver().upload("overwritten.jpg", firstImage, Map.of("prompt", "first"));
        String second = LOCAL.driver().upload("overwritten.jpg", secondImage, Map.of("prompt", "second"));
        assertThat(first).isNotEqualTo(second);

        // WHEN intake resumes and both jobs run
        assertThat(LOCAL.driver().adminPost("/admin/intake/resume", "").statusCode()).isEqualTo(200);
        Map<String, byte[]> uploaded = Map.of(first, firstImage, second, secondImage);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (Map.Entry<String, byte[]> job : uploaded.entrySet()) {
            assertThat(LOCAL.driver().awaitFinal(job.getKey()).status()).isEqualTo(JobStatus.SUCCEEDED);
            // THEN each job's create named the bytes that were uploaded (and validated) for it
            JsonNode create = LOCAL.driver().createsFor(job.getKey()).get(0);
            String imageUrl = create.path("image").asText();
            assertThat(imageUrl).contains("versionId=");
            byte[] sent = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(imageUrl)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
            assertThat(sent).as(job.getKey()).isEqualTo(job.getValue());
            assertThat(LOCAL.driver().job(job.getKey()).orElseThrow().image().versionId()).isNotNull();
        }
    }

    private static JsonNode awaitPaused() {
        JsonNode capacity = null;
        for (int i = 0; i < 100; i++) {
            capacity = LOCAL.driver().apiGet("/capacity");
            if (capacity.path("intakePaused").asBoolean()) {
                return capacity;
            }
            StackDriver.sleep(100);
        }
        throw new AssertionError("intake did not pause: " + capacity);
    }
}
