package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.local.RepositoryLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the launcher's own check ({@code local/tests/moto_launcher_check.py}): moto's Lambda calls reach
 * a Lambda Invoke API, errors keep their type for Retry/Catch, S3 events look like AWS's, and the launcher
 * refuses a moto version it was not written for. Part of {@code mvn verify} so CI runs it.
 */
class MotoLauncherIT {

    @Test
    void launcherSelfCheck_should_passEveryCheck() throws Exception {
        RepositoryLayout repo = RepositoryLayout.locate();
        Process find = new ProcessBuilder("bash", repo.resolve("local/bin/find-python").toString(), "moto")
                .redirectErrorStream(true).start();
        List<String> found = new String(find.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(find.waitFor()).as(String.join("\n", found)).isZero();

        Process check = new ProcessBuilder(found.get(found.size() - 1),
                repo.resolve("local/tests/moto_launcher_check.py").toString())
                .directory(repo.root().toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("\\d+ passed, 0 failed");
    }
}
