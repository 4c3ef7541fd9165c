package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallerTest {

    @Test
    void iamPrincipal_should_beTheRole_when_anAssumedRoleSessionCalls() {
        // GIVEN two sessions of one role, named by whoever assumed it
        Caller first = Caller.iamPrincipal("arn:aws:sts::123456789012:assumed-role/Builder/ci-run-1");
        Caller second = Caller.iamPrincipal("arn:aws:sts::123456789012:assumed-role/Builder/anything");
        // THEN both are the role, and another role is someone else
        assertThat(first).isEqualTo(second);
        assertThat(first.id()).isEqualTo("iam:arn:aws:iam::123456789012:role/Builder");
        assertThat(Caller.iamPrincipal("arn:aws:sts::123456789012:assumed-role/Other/ci-run-1")).isNotEqualTo(first);
        assertThat(Caller.iamPrincipal("arn:aws:iam::123456789012:user/ops").id())
                .isEqualTo("iam:arn:aws:iam::123456789012:user/ops");
    }

    @Test
    void apiKey_should_keepNoTraceOfTheKeysValue_when_recorded() {
        Caller caller = Caller.apiKey("s3cr3t-key-value");
        assertThat(caller.id()).startsWith("key:").doesNotContain("s3cr3t");
        assertThat(caller).isEqualTo(Caller.apiKey("s3cr3t-key-value")).isNotEqualTo(Caller.apiKey("other"));
        assertThat(caller.area()).matches("c-[0-9a-f]{32}").isNotEqualTo(Caller.apiKey("other").area());
    }
}
