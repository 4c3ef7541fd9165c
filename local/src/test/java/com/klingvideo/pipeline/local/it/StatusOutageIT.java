package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kling's status route goes down while it runs (and charges for) our tasks, for longer than the state
 * machine's whole retry budget on a failing task (5 retries of 5 s doubling: at most 155 s). The jobs
 * keep waiting and are completed once the route answers again: none fails, and each is one task.
 */
class StatusOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(170);

    @RegisterExtension
    static final LocalStackExtension LOCAL = new LocalStackExtension(state -> LocalStackOptions.forTests(state)
            .withSimulator(KlingDialect.OFFICIAL, Duration.ofSeconds(10), 3));

    @Test
    void statusOutage_should_leaveEveryPaidJobWaiting_and_thenSucceedWithOneTaskEach() {
        // GIVEN three jobs that Kling accepted
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jobs.add(LOCAL.driver().upload("outage-" + i + ".jpg", TestImages.jpeg(640, 480 + i), Map.of()));
        }
        for (String jobId : jobs) {
            LOCAL.driver().await(jobId, Duration.ofSeconds(60), EnumSet.of(JobStatus.SUBMITTED, JobStatus.PROCESSING));
        }

        // WHEN every status query fails for longer than the retries would last (the tasks end meanwhile)
        LOCAL.stack().simulator().faults().statusOutage(true);
        try {
            StackDriver.sleep(OUTAGE.toMillis());
            // THEN the jobs are still waiting, with the failing checks on their records
            for (String jobId : jobs) {
                Job job = LOCAL.driver().job(jobId).orElseThrow();
                assertThat(job.status()).as(jobId).isIn(JobStatus.SUBMITTED, JobStatus.PROCESSING);
                assertThat(job.lastError()).as(jobId).isNotBlank();
            }
        } finally {
            LOCAL.stack().simulator().faults().statusOutage(false);
        }

        // AND once Kling answers again every job succeeds, one task and one execution each
        for (String jobId : jobs) {
            Job job = LOCAL.driver().await(jobId, Duration.ofSeconds(60), StackDriver.FINAL);
            assertThat(job.status()).as(jobId + ": " + job.failure()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(job.lastError()).as(jobId).isNull();
            assertThat(LOCAL.driver().createsFor(jobId)).as(jobId).hasSize(1);
            assertThat(LOCAL.driver().executionsFor(jobId)).as(jobId).isEqualTo(1);
        }
        assertThat(LOCAL.stack().simulator().counters().tasksCreated()).isEqualTo(3);
    }
}
