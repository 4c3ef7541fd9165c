package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.KlingEndpoint;
import com.klingvideo.pipeline.local.LocalStack;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.local.kling.KlingSimulator;
import com.klingvideo.pipeline.local.kling.SimulatorConfig;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With KLING_BASE_URL and keys set, the stack drives that endpoint (here a simulator it did not start,
 * standing in for the real API) with the keys from the environment, kept in the local secret only.
 */
class ExternalKlingEndpointIT {

    @Test
    void stack_should_useTheGivenEndpointAndKeys_when_klingBaseUrlIsSet(@TempDir Path state) throws Exception {
        try (KlingSimulator external = new KlingSimulator(SimulatorConfig.official("ak-external", "sk-external-secret")
                .taskLatency(Duration.ofSeconds(2)).build()).start()) {
            KlingEndpoint kling = KlingEndpoint.fromEnvironment(Map.of(
                    "KLING_BASE_URL", external.baseUrl().toString(),
                    "KLING_API_STYLE", "official",
                    "KLING_ACCESS_KEY", "ak-external",
                    "KLING_SECRET_KEY", "sk-external-secret"));
            LocalStackOptions defaults = LocalStackOptions.forTests(state);
            LocalStackOptions options = new LocalStackOptions(defaults.host(), 0, 0, 0, 0, kling,
                    KlingDialect.OFFICIAL, defaults.simulatorLatency(), 1, Map.of(), LocalStackOptions.fastPolling(), null, false, state);
            try (LocalStack stack = LocalStack.start(options)) {
                assertThat(stack.simulator()).isNull();
                assertThat(stack.endpoints().klingUrl()).isEqualTo(external.baseUrl());
                assertThat(Files.readString(stack.endpointsFile())).doesNotContain("sk-external-secret");

                StackDriver driver = new StackDriver(stack);
                String jobId = driver.upload("external.jpg", TestImages.jpeg(640, 480), Map.of());
                Job job = driver.awaitFinal(jobId);

                assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(external.counters().tasksCreated()).isEqualTo(1);
            }
        }
    }
}
