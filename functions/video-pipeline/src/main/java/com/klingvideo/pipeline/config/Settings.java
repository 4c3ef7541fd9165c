package com.klingvideo.pipeline.config;

import java.time.Duration;
import java.util.Map;

/**
 * Reads the function's environment (set by {@code template.yaml}). Every problem names the variable, so
 * a misconfigured deployment fails on its first invocation with a message that says what to fix.
 */
final class Settings {
    private final Map<String, String> env;

    Settings(Map<String, String> env) {
        this.env = env;
    }

    String required(String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value.trim();
    }

    String optional(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The raw value, blank meaning "not set" (template defaults may be empty on purpose). */
    String orNull(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    long number(String name, long fallback, long min, long max) {
        String value = orNull(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < min || parsed > max) {
                throw new IllegalStateException(
                        "environment variable " + name + " is " + parsed + "; it must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " is not a whole number: " + value);
        }
    }

    /** A tuning variable, within its bounds, or its default. */
    long number(Tuning tuning) {
        return number(tuning.name(), tuning.defaultValue(), tuning.min(), tuning.max());
    }

    Duration seconds(Tuning tuning) {
        return Duration.ofSeconds(number(tuning));
    }

    Duration minutes(Tuning tuning) {
        return Duration.ofMinutes(number(tuning));
    }

    Duration seconds(String name, long fallback, long min, long max) {
        return Duration.ofSeconds(number(name, fallback, min, max));
    }

    Duration minutes(String name, long fallback, long min, long max) {
        return Duration.ofMinutes(number(name, fallback, min, max));
    }

    Map<String, String> all() {
        return env;
    }
}
