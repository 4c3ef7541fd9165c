package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.model.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Another client shares the Kling account: a 1303 while the ledger had room lowers the learned limit,
 * no job fails, and after a quiet period the limit is raised again once the other client has gone.
 */
class LearnedLimitIT {
    @RegisterExtension
    static final LocalStackExtension LOCAL = new LocalStackExtension(state -> LocalStackOptions.forTests(state)
            .withSimulator(KlingDialect.OFFICIAL, Duration.ofSeconds(2), 2)
            .withTuning(Map.of("LIMIT_RAISE_QUIET_SECONDS", "6")));

    @Test
    void foreignClient_should_lowerTheEffectiveLimitWithoutFailures_and_theLimitShouldRecoverAfterItLeaves() {
        // GIVEN another client holds one of the account's two slots for 20 s
        Instant foreignEnds = Instant.now().plusSeconds(20);
        LOCAL.stack().simulator().occupySlots(1, Duration.ofSeconds(20));

        // WHEN four images are uploaded
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            jobs.add(LOCAL.driver().upload("shared-" + i + ".jpg", TestImages.jpeg(640, 480 + i), Map.of()));
        }

        // THEN the governor learns that one slot is ours, and shows both limits
        JsonNode capacity = null;
        for (int i = 0; i < 80; i++) {
            capacity = LOCAL.driver().apiGet("/capacity");
            if (capacity.path("effectiveLimit").asInt() == 1) {
                break;
            }
            StackDriver.sleep(100);
        }
        assertThat(capacity.path("effectiveLimit").asInt()).isEqualTo(1);
        assertThat(capacity.path("configuredLimit").asInt()).isEqualTo(2);
        // AND every job succeeds with one task, none FAILED, Kling never ran more than the account allows
        for (String jobId : jobs) {
            assertThat(LOCAL.driver().await(jobId, Duration.ofSeconds(90), StackDriver.FINAL).status())
                    .as(jobId).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(LOCAL.driver().createsFor(jobId).size()).as(jobId).isBetween(1, 3);
        }
        assertThat(LOCAL.stack().simulator().counters().peakConcurrentTasks()).isLessThanOrEqualTo(2);
        assertThat(LOCAL.stack().simulator().counters().tasksCreated()).isEqualTo(4);

        // WHEN the other client has gone and the quiet period has passed
        long waitMs = Math.max(0, Duration.between(Instant.now(), foreignEnds).toMillis()) + 7_000;
        StackDriver.sleep(waitMs);
        LOCAL.driver().runReaper();

        // THEN the limit is back at the configured one
        assertThat(LOCAL.driver().apiGet("/capacity").path("effectiveLimit").asInt()).isEqualTo(2);
    }
}
