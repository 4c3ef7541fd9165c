package com.klingvideo.pipeline.local;

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
     * Poll and retry waits of seconds instead of minutes, for a simulator whose tasks take seconds;
     * a request timeout and resume wait to match. Not used against a real Kling endpoint.
     */
    public static Map<String, String> fastPolling() {
        return Map.of(
                "POLL_FIRST_WAIT_SECONDS", "2",
                "POLL_MIN_INTERVAL_SECONDS", "1",
                "POLL_MAX_INTERVAL_SECONDS", "2",
                "SUBMIT_RETRY_BASE_SECONDS", "1",
                "SUBMIT_RETRY_MAX_SECONDS", "3",
                "KLING_READ_TIMEOUT_MS", "5000",
                "RESUME_WAIT_SECONDS", "7");
    }

    /** Free ports, the simulator (official dialect, 3 s tasks, 5 parallel), fast polling: for tests. */
    public static LocalStackOptions forTests(Path stateDir) {
        return new LocalStackOptions("127.0.0.1", 0, 0, 0, 0, null, KlingDialect.OFFICIAL, Duration.ofSeconds(3), 5,
                Map.of(), fastPolling(), stateDir);
    }

    /**
     * The command line's options: documented ports (overridable with {@code KVP_AWS_PORT},
     * {@code KVP_LAMBDA_PORT}, {@code KVP_API_PORT}, {@code KVP_KLING_PORT}), the real Kling endpoint
     * when {@code KLING_BASE_URL} is set, else the simulator with fast polling.
     */
    public static LocalStackOptions fromEnvironment(Map<String, String> env, Path stateDir) {
        KlingEndpoint kling = KlingEndpoint.fromEnvironment(env);
        Map<String, String> tuning = kling == null ? fastPolling() : Map.of();
        return new LocalStackOptions("127.0.0.1",
                port(env, "KVP_AWS_PORT", DEFAULT_AWS_PORT),
                port(env, "KVP_LAMBDA_PORT", DEFAULT_LAMBDA_PORT),
                port(env, "KVP_API_PORT", DEFAULT_API_PORT),
                port(env, "KVP_KLING_PORT", DEFAULT_KLING_PORT),
                kling,
                KlingDialect.parse(env.getOrDefault("KVP_SIMULATOR_STYLE", "official")),
                Duration.ofSeconds(6),
                5,
                Map.of(),
                tuning,
                stateDir);
    }

    public LocalStackOptions withSimulator(KlingDialect dialect, Duration latency, int concurrency) {
        return new LocalStackOptions(host, awsPort, lambdaPort, apiPort, klingPort, null, dialect, latency, concurrency,
                parameterOverrides, functionTuning, stateDir);
    }

    /** Extra environment for every function, replacing the given keys. */
    public LocalStackOptions withTuning(Map<String, String> extra) {
        Map<String, String> merged = new HashMap<>(functionTuning);
        merged.putAll(extra);
        return new LocalStackOptions(host, awsPort, lambdaPort, apiPort, klingPort, kling, simulatorDialect,
                simulatorLatency, simulatorConcurrency, parameterOverrides, merged, stateDir);
    }

    public LocalStackOptions withParameters(Map<String, String> parameters) {
        Map<String, String> merged = new HashMap<>(parameterOverrides);
        merged.putAll(parameters);
        return new LocalStackOptions(host, awsPort, lambdaPort, apiPort, klingPort, kling, simulatorDialect,
                simulatorLatency, simulatorConcurrency, merged, functionTuning, stateDir);
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
