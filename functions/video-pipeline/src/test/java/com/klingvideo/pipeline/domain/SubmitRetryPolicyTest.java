package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmitRetryPolicyTest {
    private static final Duration PLENTY = Duration.ofHours(1);

    private static SubmitRetryPolicy policy(double... draws) {
        ArrayDeque<Double> queue = new ArrayDeque<>();
        for (double d : draws) {
            queue.add(d);
        }
        return SubmitRetryPolicy.standard(Duration.ofMinutes(60), queue::removeFirst);
    }

    @Test
    void delay_should_doubleItsBound_when_attemptsGrow() {
        // GIVEN the largest random draw  THEN delays follow the exponential bound 5, 10, 20, 40 s
        SubmitRetryPolicy p = policy(0.999999, 0.999999, 0.999999, 0.999999);
        assertThat(List.of(p.delaySeconds(1, PLENTY), p.delaySeconds(2, PLENTY), p.delaySeconds(3, PLENTY),
                p.delaySeconds(4, PLENTY))).containsExactly(5L, 10L, 20L, 40L);
    }

    @Test
    void delay_should_neverGoBelowHalfTheBound_when_drawIsZero() {
        // GIVEN the smallest draws  THEN delays are half the bound: 2.5 -> 3, 5, 10, 20 s
        SubmitRetryPolicy p = policy(0.0, 0.0, 0.0, 0.0);
        assertThat(List.of(p.delaySeconds(1, PLENTY), p.delaySeconds(2, PLENTY), p.delaySeconds(3, PLENTY),
                p.delaySeconds(4, PLENTY))).containsExactly(3L, 5L, 10L, 20L);
    }

    @Test
    void maxAttempts_should_beSmall_when_everyDrawIsTheShortest() {
        // GIVEN the production policy (5 s base, 5 minutes cap, 60 minutes deadline)
        // WHEN / THEN even the unluckiest job makes at most 30 attempts: 2.5+5+...+150 s, then 150 s each
        assertThat(policy().maxAttempts()).isEqualTo(30);
    }

    @Test
    void delay_should_beCappedAtFiveMinutes_when_manyAttempts() {
        assertThat(policy(0.999999).delaySeconds(40, PLENTY)).isEqualTo(300);
    }

    @Test
    void delay_should_notPassTheDeadline_when_deadlineIsClose() {
        assertThat(policy(0.999999).delaySeconds(10, Duration.ofSeconds(7))).isEqualTo(7);
    }

    @Test
    void delay_should_spreadJobs_when_drawsDiffer() {
        // jitter: two jobs refused together come back at different times
        SubmitRetryPolicy p = policy(0.1, 0.9);
        assertThat(p.delaySeconds(4, PLENTY)).isNotEqualTo(p.delaySeconds(4, PLENTY));
    }
}
