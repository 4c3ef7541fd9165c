package com.klingvideo.pipeline.local;

import com.klingvideo.pipeline.config.Tuning;
import com.klingvideo.pipeline.kling.KlingDialect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How to start the local stack. Ports 0 mean "any free port" (the tests' choice); the command line uses
 * the documented defaults.
 *
 * @param kling              a real Kling endpoint, or null for the simulator
 * @param simulatorDialect   the simulator's dialect
 * @param simulatorLatency   how long a simulated task takes
 * @param simulatorConcurrency the simulated account's parallel task limit
 * @param parameterOverrides template parameter values (the Kling ones are set by the stack)
 * @param functionTuning     extra environment for every function, on top of the template's (poll waits)
 * @param scheduleEvery      how often scheduled functions (the reaper) run, or null for the template's rate
 * @param simulatorOneClip   the simulator renders one video for all tasks (benchmarks: Kling renders elsewhere)
 * @param stateDir           where endpoints.json and logs go
 */
public record LocalStackOptions(
        String host,
        int awsPort,
        int lambdaPort,
        int apiPort,
        int klingPort,
        KlingEndpoint kling,
        KlingDialect simulatorDialect,
        Duration simulatorLatency,
        int simulatorConcurrency,
        Map<String, String> parameterOverrides,
        Map<String, String> functionTuning,
        Duration scheduleEvery,
        boolean simulatorOneClip,
        Path stateDir) {

    public static final int DEFAULT_AWS_PORT = 4566;
    public static final int DEFAULT_LAMBDA_PORT = 9001;
    public static final int DEFAULT_API_PORT = 3000;
    public static final int DEFAULT_KLING_PORT = 8089;

    public LocalStackOptions {
        parameterOverrides = Map.copyOf(parameterOverrides);
        functionTuning = Map.copyOf(functionTuning);
    }

    /**
     * Poll and retry waits of seconds instead of minutes, for a simulator whose tasks take seconds (the
     * first check comes at Kling's observed run time once one is known), poll and submit limits and a
     * request timeout to match (short waits need short limits to keep an execution's history small).
     * Not used against a real Kling endpoint.
     */
    public static Map<String, String> fastPolling() {
        return Map.of(
                Tuning.POLL_FIRST_WAIT_SECONDS.name(), "2",
                Tuning.POLL_MIN_INTERVAL_SECONDS.name(), "1",
                Tuning.POLL_MAX_INTERVAL_SECONDS.name(), "2",
                Tuning.MAX_POLL_MINUTES.name(), "10",
                Tuning.SUBMIT_RETRY_BASE_SECONDS.name(), "1",
                Tuning.SUBMIT_RETRY_MAX_SECONDS.name(), "3",
                Tuning.SUBMIT_DEADLINE_MINUTES.name(), "5",
                Tuning.KLING_READ_TIMEOUT_MS.name(), "5000");
    }

    /**
     * Free ports, the simulator (official dialect, 3 s tasks, 5 parallel), fast polling, and the reaper's
     * schedule out of the way (tests run it when they mean to): for tests.
     */
    public static LocalStackOptions forTests(Path stateDir) {
        return new LocalStackOptions("127.0.0.1", 0, 0, 0, 0, null, KlingDialect.OFFICIAL, Duration.ofSeconds(3), 5,
                Map.of(), fastPolling(), Duration.ofHours(1), false, stateDir);
    }

    /**
     * The command line's options: documented ports (overridable with {@code KVP_AWS_PORT},
     * {@code KVP_LAMBDA_PORT}, {@code KVP_API_PORT}, {@code KVP_KLING_PORT}); the real Kling endpoint
     * when {@code KLING_BASE_URL} is set, else the simulator ({@code KVP_KLING_TASK_SECONDS},
     * {@code KVP_KLING_CONCURRENCY}) with fast polling; every {@link Tuning} variable set in the
     * environment passed to the functions, against either; {@code KVP_SCHEDULE_SECONDS} for the reaper.
     */
    public static LocalStackOptions fromEnvironment(Map<String, String> env, Path stateDir) {
        KlingEndpoint kling = KlingEndpoint.fromEnvironment(env);
        Map<String, String> tuning = new HashMap<>(kling == null ? fastPolling() : Map.of());
        tuning.putAll(tuningFrom(env));
        String schedule = env.get("KVP_SCHEDULE_SECONDS");
        return new LocalStackOptions("127.0.0.1",
                port(env, "KVP_AWS_PORT", DEFAULT_AWS_PORT),
                port(env, "KVP_LAMBDA_PORT", DEFAULT_LAMBDA_PORT),
                port(env, "KVP_API_PORT", DEFAULT_API_PORT),
                port(env, "KVP_KLING_PORT", DEFAULT_KLING_PORT),
                kling,
                KlingDialect.parse(env.getOrDefault("KVP_SIMULATOR_STYLE", "official")),
                Duration.ofSeconds(positive(env, "KVP_KLING_TASK_SECONDS", 6)),
                (int) positive(env, "KVP_KLING_CONCURRENCY", 5),
                Map.of(),
                tuning,
                schedule == null || schedule.isBlank() ? null : Duration.ofSeconds(positive(env, "KVP_SCHEDULE_SECONDS", 1)),
                false,
                stateDir);
    }

    /** The functions' tuning variables set in this environment (checked by the functions themselves). */
    static Map<String, String> tuningFrom(Map<String, String> env) {
        Map<String, String> tuning = new HashMap<>();
        for (String name : Tuning.names()) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                tuning.put(name, value.trim());
            }
        }
        return tuning;
    }

    public LocalStackOptions withSimulator(KlingDialect dialect, Duration latency, int concurrency) {
        return new LocalStackOptions(host, awsPort, lambdaPort, apiPort, klingPort, null, dialect, latency, concurrency,
                parameterOverrides, functionTuning, scheduleEvery, simulatorOneClip, stateDir);
    }

    /** Extra environment for every function, replacing the given keys. */
    public LocalStackOptions withTuning(Map<String, String> extra) {
        Map<String, String> merged = new HashMap<>(functionTuning);
        merged.putAll(extra);
        return new LocalStackOptions(host, awsPort, lambdaPort, apiPort, klingPort, kling, simulatorDialect,
                simulatorLatency, simulatorConcurrency, parameterOverrides, merged, scheduleEvery, simulatorOneClip, stateDir);
    }

    public LocalStackOptions withParameters(Map<String, String> parameters) {
        Map<String, String> merged = new HashMap<>(parameterOverrides);
        merged.putAll(parameters);
        return new LocalStackOptions(host, awsPort, lambdaPort, apiPort, klingPort, kling, simulatorDialect,
                simulatorLatency, simulatorConcurrency, merged, functionTuning, scheduleEvery, simulatorOneClip, stateDir);
    }

    /** Scheduled functions (the reaper) run this often instead of at the template's rate. */
    public LocalStackOptions withScheduleEvery(Duration every) {
        return new LocalStackOptions(host, awsPort, lambdaPort, apiPort, klingPort, kling, simulatorDialect,
                simulatorLatency, simulatorConcurrency, parameterOverrides, functionTuning, every, simulatorOneClip, stateDir);
    }

    /** The simulator renders one video and serves it for every task. */
    public LocalStackOptions withOneClip() {
        return new LocalStackOptions(host, awsPort, lambdaPort, apiPort, klingPort, kling, simulatorDialect,
                simulatorLatency, simulatorConcurrency, parameterOverrides, functionTuning, scheduleEvery, true, stateDir);
    }

    private static long positive(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < 1) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number of at least 1, not " + value);
        }
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number (0 for any free port), not " + value);
        }
    }
}
