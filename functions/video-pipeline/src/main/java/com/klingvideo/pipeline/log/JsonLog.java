package com.klingvideo.pipeline.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line on standard output, which Lambda ships to CloudWatch Logs as is, so that
 * metric filters and Logs Insights can match on fields ({@code jobId}, {@code klingTaskId},
 * {@code alert}). Callers pass ids and outcomes only: never keys, tokens, images or the environment.
 */
public final class JsonLog {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static volatile PrintStream out = System.out;

    private final String logger;

    private JsonLog(String logger) {
        this.logger = logger;
    }

    public static JsonLog of(Class<?> type) {
        return new JsonLog(type.getSimpleName());
    }

    /** Redirects every logger (tests capture lines this way). */
    public static void redirect(PrintStream stream) {
        out = stream;
    }

    public void info(String event, Object... fields) {
        write("INFO", event, fields);
    }

    public void warn(String event, Object... fields) {
        write("WARN", event, fields);
    }

    public void error(String event, Object... fields) {
        write("ERROR", event, fields);
    }

    private void write(String level, String event, Object... fields) {
        if (fields.length % 2 != 0) {
            throw new IllegalArgumentException("log fields come in name/value pairs");
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("logger", logger);
        line.put("event", event);
        for (int i = 0; i < fields.length; i += 2) {
            Object value = fields[i + 1];
            if (value != null) {
                line.put(String.valueOf(fields[i]), value instanceof Number || value instanceof Boolean
                        ? value : String.valueOf(value));
            }
        }
        try {
            out.println(MAPPER.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            out.println("{\"level\":\"ERROR\",\"event\":\"log.unwritable\",\"logger\":\"" + logger + "\"}");
        }
    }
}
