package com.klingvideo.pipeline.model;

import java.util.Locale;

/**
 * Where a job waits in the queue for a Kling slot: every HIGH job goes before every NORMAL one, and
 * within one priority jobs go in admission order. Uploads are NORMAL; an API request may ask for HIGH.
 */
public enum Priority {
    HIGH,
    NORMAL;

    /** {@code high} or {@code normal}, any case. */
    public static Priority parse(String value) {
        for (Priority priority : values()) {
            if (priority.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return priority;
            }
        }
        throw new IllegalArgumentException("priority '" + value + "' is not supported; use high or normal");
    }

    /** The lower-case word the API and the job record use. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
