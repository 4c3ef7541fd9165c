package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.model.GenerationParameters;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PollPolicyTest {
    private final PollPolicy policy = PollPolicy.standard();

    private static GenerationParameters params(String model, String mode, String duration) {
        return new GenerationParameters(model, mode, duration, "p", "", null, null);
    }

    @Test
    void firstWait_should_followExpectedGenerationTime_when_noOverride() {
        assertThat(policy.firstWaitSeconds(params("kling-v2-1", "std", "5"), Optional.empty())).isEqualTo(60);
        assertThat(policy.firstWaitSeconds(params("kling-v2-1", "std", "10"), Optional.empty())).isEqualTo(90);
        assertThat(policy.firstWaitSeconds(params("kling-v2-1", "pro", "10"), Optional.empty())).isEqualTo(135);
        assertThat(policy.firstWaitSeconds(params("kling-v2-5-turbo", "std", "5"), Optional.empty())).isEqualTo(40);
    }

    @Test
    void firstWait_should_useOverride_when_configured() {
        PollPolicy fast = new PollPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(1),
                Duration.ofSeconds(3));
        assertThat(fast.firstWaitSeconds(params("kling-v2-1", "pro", "10"), Optional.empty())).isEqualTo(3);
    }

    @Test
    void firstWait_should_beTheObservedRunTimeRoundedUp_when_runTimesWereObserved() {
        // GIVEN Kling was seen to take 20.2 s for this kind of video, and a configured first wait of 3 s
        PollPolicy fast = new PollPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(1),
                Duration.ofSeconds(3));
        // WHEN / THEN the first check comes when such a task has ended, not before
        assertThat(fast.firstWaitSeconds(params("kling-v2-1", "std", "5"), Optional.of(Duration.ofMillis(20_200))))
                .isEqualTo(21);
        assertThat(policy.firstWaitSeconds(params("kling-v2-1", "std", "5"), Optional.of(Duration.ofSeconds(164))))
                .isEqualTo(164);
        // and never sooner than the shortest interval
        assertThat(policy.firstWaitSeconds(params("kling-v2-1", "std", "5"), Optional.of(Duration.ofMillis(300))))
                .isEqualTo(10);
    }

    @Test
    void nextWait_should_growByHalfAndCap_when_taskKeepsRunning() {
        // GIVEN a task still running after each check  WHEN asking for the next wait
        // THEN it grows 10, 15, 22.5 -> 23, ... and never exceeds 60
        assertThat(policy.nextWaitSeconds(1, Duration.ofSeconds(60))).hasValue(10);
        assertThat(policy.nextWaitSeconds(2, Duration.ofSeconds(70))).hasValue(15);
        assertThat(policy.nextWaitSeconds(3, Duration.ofSeconds(85))).hasValue(23);
        assertThat(policy.nextWaitSeconds(20, Duration.ofMinutes(10))).hasValue(60);
    }

    @Test
    void nextWait_should_landOnTheLimit_when_limitIsNear() {
        // GIVEN 50 s left before the 60-minute limit  THEN the wait is cut to 50 s, not 60
        assertThat(policy.nextWaitSeconds(20, Duration.ofMinutes(60).minusSeconds(50))).hasValue(50);
    }

    @Test
    void nextWait_should_beEmpty_when_limitReached() {
        assertThat(policy.nextWaitSeconds(30, Duration.ofMinutes(60))).isEqualTo(OptionalLong.empty());
        assertThat(policy.nextWaitSeconds(30, Duration.ofMinutes(61))).isEmpty();
    }

    @Test
    void maxChecks_should_boundTheLoop_when_taskNeverEnds() {
        // GIVEN the production policy: first check at 10 s at the earliest, then 10, 15, 22.5, 33.75, 50.6 s
        // (141.9 s in all), then every 60 s up to 60 minutes
        // WHEN / THEN a task that never ends gets 6 + 58 checks; at the 300-minute maximum limit, 6 + 298
        assertThat(policy.maxChecks()).isEqualTo(64);
        assertThat(new PollPolicy(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(300), null)
                .maxChecks()).isEqualTo(304);
    }

    @Test
    void constructor_should_reject_when_intervalsInconsistent() {
        assertThatThrownBy(() -> new PollPolicy(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(1), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PollPolicy(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(1), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
