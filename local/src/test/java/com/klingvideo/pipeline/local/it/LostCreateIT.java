package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.config.Tuning;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A create that reached Kling but whose answer was lost, with Kling's lookups trailing its writes: the
 * lookup by external_task_id finds nothing, the resubmit is refused with 1201 "external_task_id already
 * exists". The job follows the task Kling holds instead of failing, and one task is created in all.
 */
class LostCreateIT {
    @RegisterExtension
    static final LocalStackExtension LOCAL = new LocalStackExtension(state -> LocalStackOptions.forTests(state)
            .withSimulator(KlingDialect.OFFICIAL, Duration.ofSeconds(4), 3)
            .withTuning(Map.of(Tuning.KLING_READ_TIMEOUT_MS.name(), "1000")));

    @Test
    void lostCreateAnswer_should_beAdopted_when_theResubmitIsToldTheTaskAlreadyExists() {
        // GIVEN the next create's answer is lost, and a task shows in lookups only 8 s after it was created
        LOCAL.stack().simulator().faults().loseNextCreateAnswers(1, Duration.ofSeconds(3)).lagLookups(Duration.ofSeconds(8));
        try {
            // WHEN an image is uploaded
            String jobId = LOCAL.driver().upload("lost-answer.jpg", TestImages.jpeg(640, 480), Map.of());

            // THEN the job succeeds with the one task Kling created for it
            Job job = LOCAL.driver().await(jobId, Duration.ofSeconds(90), StackDriver.FINAL);
            assertThat(job.status()).as("%s", job.failure()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(LOCAL.stack().simulator().counters().tasksCreated()).isEqualTo(1);
            // AND the path was the one described: a resubmit that Kling refused because the task existed
            assertThat(LOCAL.stack().simulator().counters().createsRejected("1201")).isPositive();
            assertThat(LOCAL.driver().createsFor(jobId)).hasSizeGreaterThanOrEqualTo(2);
            assertThat(LOCAL.driver().executionsFor(jobId)).isEqualTo(1);
        } finally {
            LOCAL.stack().simulator().faults().lagLookups(Duration.ZERO);
        }
    }
}
