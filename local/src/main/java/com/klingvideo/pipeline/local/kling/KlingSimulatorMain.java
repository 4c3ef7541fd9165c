package com.klingvideo.pipeline.local.kling;

import com.klingvideo.pipeline.kling.KlingDialect;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link KlingSimulator} on its own until SIGTERM or Ctrl-C. Each setting comes from
 * {@code --name=value} or, when absent, the environment variable {@code KLING_SIM_NAME} (keys are
 * better passed in the environment, where {@code ps} does not show them):
 * <pre>
 *   --port=8089             KLING_SIM_PORT             0 (default): any free port
 *   --dialect=official      KLING_SIM_DIALECT          official (default) or gateway
 *   --access-key=...        KLING_SIM_ACCESS_KEY       official: the JWT issuer
 *   --secret-key=...        KLING_SIM_SECRET_KEY       official: the JWT signing key
 *   --api-key=...           KLING_SIM_API_KEY          gateway: the Bearer key
 *   --latency=20s           KLING_SIM_LATENCY          task time: 20s, 1500ms, 2m or ISO-8601 (PT20S)
 *   --concurrency=5         KLING_SIM_CONCURRENCY      the account's parallel task limit
 *   --chunked-video=true    KLING_SIM_CHUNKED_VIDEO    serve videos without Content-Length
 *   --fail-every=3:RATE_LIMIT_1302  KLING_SIM_FAIL_EVERY  every n-th create answers that {@link Fault}
 * </pre>
 * When it is ready it prints one line whose last word is its base URL.
 */
public final class KlingSimulatorMain {

    private static final List<String> SETTINGS = List.of("port", "dialect", "access-key", "secret-key", "api-key",
            "latency", "concurrency", "chunked-video", "fail-every");

    private KlingSimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorConfig config;
        try {
            config = configFrom(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("kling-simulator: " + e.getMessage());
            System.exit(2);
            return;
        }
        KlingSimulator simulator = new KlingSimulator(config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::stop, "kling-sim-shutdown"));
        System.out.println("Kling simulator (" + config.dialect().name().toLowerCase(Locale.ROOT) + ") ready at "
                + simulator.baseUrl());
        System.out.flush();
        // every simulator thread is a daemon: this one keeps the process alive until a signal ends it
        new CountDownLatch(1).await();
    }

    static SimulatorConfig configFrom(String[] args, Map<String, String> env) {
        Map<String, String> settings = new HashMap<>();
        for (String name : SETTINGS) {
            String value = env.get("KLING_SIM_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
            if (value != null && !value.isBlank()) {
                settings.put(name, value.trim());
            }
        }
        for (String arg : args) {
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 2 ? arg.substring(2, equals) : null;
            if (name == null || !SETTINGS.contains(name)) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; use --name=value with one of " + SETTINGS);
            }
            settings.put(name, arg.substring(equals + 1).trim());
        }

        KlingDialect dialect = KlingDialect.parse(settings.getOrDefault("dialect", "official"));
        SimulatorConfig.Builder builder = dialect == KlingDialect.OFFICIAL
                ? SimulatorConfig.official(settings.get("access-key"), settings.get("secret-key"))
                : SimulatorConfig.gateway(settings.get("api-key"));
        builder.port(integer(settings, "port", 0))
                .maxConcurrentTasks(integer(settings, "concurrency", 5))
                .chunkedVideo(Boolean.parseBoolean(settings.getOrDefault("chunked-video", "false")));
        if (settings.containsKey("latency")) {
            builder.taskLatency(duration(settings.get("latency")));
        }
        if (settings.containsKey("fail-every")) {
            String[] parts = settings.get("fail-every").split(":", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("fail-every must look like 3:RATE_LIMIT_1302");
            }
            builder.failEveryNthCreate(integer(Map.of("fail-every", parts[0]), "fail-every", 0), fault(parts[1]));
        }
        return builder.build();
    }

    /** {@code 20s}, {@code 1500ms}, {@code 2m}, a bare number of seconds, or ISO-8601 ({@code PT20S}). */
    static Duration duration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(value.endsWith("s")
                    ? value.substring(0, value.length() - 1) : value) * 1000));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("latency '" + text + "' is not a duration such as 20s, 1500ms or PT20S");
        }
    }

    private static int integer(Map<String, String> settings, String name, int fallback) {
        String value = settings.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a whole number");
        }
    }

    private static Fault fault(String name) {
        try {
            return Fault.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown fault '" + name + "'; use one of " + List.of(Fault.values()));
        }
    }
}
