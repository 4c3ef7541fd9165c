package com.klingvideo.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComponentsTest {

    /** The environment template.yaml gives a function, with AWS unreachable: building must not call it. */
    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(Map.of(
                "AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:1",
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test",
                "JOBS_TABLE", "jobs",
                "MEDIA_BUCKET", "media",
                "KLING_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kling-AbCdEf",
                "DEFAULT_MODEL", "kling-v2-1",
                "DEFAULT_MODE", "std",
                "DEFAULT_DURATION", "5"));
        env.put("KLING_API_STYLE", "gateway");
        env.put("DEFAULT_PROMPT", "Slow camera push-in");
        env.put("CAPACITY_TABLE", "capacity");
        return env;
    }

    @Test
    void build_should_wireEveryService_when_environmentComplete() {
        Components components = Components.build(environment(), Clock.systemUTC());
        assertThat(components.uploadIntake()).isNotNull();
        assertThat(components.statusChecker()).isNotNull();
        assertThat(components.apiJobs()).isNotNull();
        assertThat(components.reaper()).isNotNull();
    }

    @Test
    void build_should_giveNoKlingClient_when_functionHasNoKlingSecret() {
        // GIVEN a function that admits jobs (uploads, the API): no KLING_SECRET_ARN
        Map<String, String> env = environment();
        env.remove("KLING_SECRET_ARN");
        // WHEN built THEN it works, and its Kling is one that refuses every call
        Components components = Components.build(env, Clock.systemUTC());
        assertThat(components.apiJobs()).isNotNull();
        assertThatThrownBy(() -> new NoKlingAccess().query("t")).hasMessageContaining("no Kling credentials");
    }

    @Test
    void build_should_refuse_when_pollSettingsCouldOverflowAnExecutionsHistory() {
        // GIVEN a check every second for up to five hours: 18,000 loop turns, 160,000 history events
        Map<String, String> env = environment();
        env.put("POLL_MIN_INTERVAL_SECONDS", "1");
        env.put("POLL_MAX_INTERVAL_SECONDS", "1");
        env.put("MAX_POLL_MINUTES", "300");
        // WHEN / THEN the deployment fails on its first invocation, naming what to change
        assertThatThrownBy(() -> Components.build(env, Clock.systemUTC()))
                .hasMessageContaining("POLL_MAX_INTERVAL_SECONDS").hasMessageContaining("25,000");
        // while the production defaults use a small part of it
        env.remove("POLL_MIN_INTERVAL_SECONDS");
        env.remove("POLL_MAX_INTERVAL_SECONDS");
        assertThat(Components.build(env, Clock.systemUTC())).isNotNull();
    }

    @Test
    void build_should_nameTheVariableAndRange_when_concurrencyLimitOutOfRange() {
        Map<String, String> env = environment();
        env.put("KLING_CONCURRENCY_LIMIT", "0");
        assertThatThrownBy(() -> Components.build(env, Clock.systemUTC()))
                .hasMessageContaining("KLING_CONCURRENCY_LIMIT").hasMessageContaining("between 1 and 1000");
    }

    @Test
    void build_should_nameTheVariable_when_requiredOneMissing() {
        Map<String, String> env = environment();
        env.remove("JOBS_TABLE");
        assertThatThrownBy(() -> Components.build(env, Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("JOBS_TABLE");
    }

    @Test
    void build_should_nameTheVariableAndRange_when_numberOutOfRange() {
        Map<String, String> env = environment();
        env.put("MAX_POLL_MINUTES", "900");
        assertThatThrownBy(() -> Components.build(env, Clock.systemUTC()))
                .hasMessageContaining("MAX_POLL_MINUTES").hasMessageContaining("300");
        env.put("MAX_POLL_MINUTES", "soon");
        assertThatThrownBy(() -> Components.build(env, Clock.systemUTC()))
                .hasMessageContaining("MAX_POLL_MINUTES").hasMessageContaining("whole number");
    }

    @Test
    void pipelineSettings_should_shareNoImagePrefix_unlessListed() {
        // GIVEN no list, then a list with spaces and an empty entry
        assertThat(Components.pipelineSettings(new Settings(environment())).sharedImagePrefixes()).isEmpty();
        Map<String, String> env = environment();
        env.put("API_SHARED_IMAGE_PREFIXES", " library/ ,, brand/assets/");
        // THEN the prefixes are read as given
        assertThat(Components.pipelineSettings(new Settings(env)).sharedImagePrefixes())
                .containsExactly("library/", "brand/assets/");
        // and one that is not a key prefix fails the deployment, naming the variable
        env.put("API_SHARED_IMAGE_PREFIXES", "library");
        assertThatThrownBy(() -> Components.build(env, Clock.systemUTC()))
                .hasMessageContaining("API_SHARED_IMAGE_PREFIXES");
    }

    @Test
    void build_should_refuse_when_gatewayHasNoDefaultPrompt() {
        // GIVEN the Kling-calling function on a gateway, which refuses a blank prompt, and no default prompt
        Map<String, String> env = environment();
        env.put("KLING_API_STYLE", "gateway");
        env.put("DEFAULT_PROMPT", " ");
        // WHEN / THEN it fails on its first invocation naming the variable, instead of paying for refusals
        assertThatThrownBy(() -> Components.build(env, Clock.systemUTC()))
                .hasMessageContaining("DEFAULT_PROMPT").hasMessageContaining("gateway");
        // AND the official API, which takes an empty prompt, is fine without one
        env.put("KLING_API_STYLE", "official");
        assertThat(Components.build(env, Clock.systemUTC()).statusChecker()).isNotNull();
    }

    @Test
    void build_should_reject_when_klingStyleOrTransportUnknown() {
        Map<String, String> env = environment();
        env.put("KLING_API_STYLE", "v2");
        assertThatThrownBy(() -> Components.build(env, Clock.systemUTC())).hasMessageContaining("official or gateway");
        env.put("KLING_API_STYLE", "official");
        env.put("IMAGE_TRANSPORT", "ftp");
        assertThatThrownBy(() -> Components.build(env, Clock.systemUTC())).hasMessageContaining("url or base64");
    }
}
