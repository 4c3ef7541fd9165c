package com.klingvideo.pipeline.config;

import java.util.Arrays;
import java.util.List;

/**
 * The numeric environment variables the functions read to tune their waits and limits (and the one
 * switch the local stack needs): the one list of them. The composition root reads them through here (with their bounds), the README's tables are
 * checked against it, and the local stack passes each one that is set in its own environment to the
 * functions.
 *
 * @param parameter the template parameter that sets it, or null when the template leaves the default
 */
public enum Tuning {
    KLING_CONCURRENCY_LIMIT("KlingConcurrencyLimit", 5, 1, 1000, "5",
            "Kling's parallel task limit for the account (all keys share it); the slot governor never exceeds it"),
    MAX_QUEUE_HOURS("MaxQueueHours", 24, 1, 720, "24",
            "how long a job may wait for a slot before it fails QUEUE_EXPIRED"),
    INTAKE_PROBE_SECONDS("IntakeProbeSeconds", 900, 1, 86_400, "900",
            "after a Kling account problem, how long intake stays paused before one job probes the account"),
    SUBMIT_DEADLINE_MINUTES("SubmitDeadlineMinutes", 60, 1, 1440, "60",
            "how long a job holding a slot may keep failing to reach Kling (down, rate-limited) before it fails"),
    MAX_POLL_MINUTES("MaxPollMinutes", 60, 1, 300, "60",
            "how long after Kling accepted a task the job waits for it before it is TIMED_OUT"),
    FINISHED_JOB_TTL_DAYS("FinishedJobTtlDays", 0, 0, 36_500, "0",
            "days after a job ends that DynamoDB's time to live deletes its record; 0 keeps every record"),
    PRESIGN_TTL_SECONDS("PresignTtlSeconds", 900, 60, 7 * 24 * 3600, "900",
            "lifetime of the image URL given to Kling"),
    POLL_FIRST_WAIT_SECONDS(null, 0, 1, 3600, "from model, mode and duration (40 s to 135 s)",
            "first status check of a task, until Kling's run times for that kind of video are observed"
                    + " (then the observed time)"),
    POLL_MIN_INTERVAL_SECONDS(null, 10, 1, 3600, "10",
            "later checks grow by half each time from this ..."),
    POLL_MAX_INTERVAL_SECONDS(null, 60, 1, 3600, "60",
            "... to this"),
    SUBMIT_RETRY_BASE_SECONDS(null, 5, 1, 3600, "5",
            "backoff while Kling is down or rate-limited (each wait between half and all of its bound) starts here ..."),
    SUBMIT_RETRY_MAX_SECONDS(null, 300, 1, 3600, "300",
            "... and grows to this"),
    LIMIT_RAISE_QUIET_SECONDS(null, 600, 1, 86_400, "600",
            "after Kling refused a create for concurrency, how long before the learned limit is raised by one"),
    KLING_CONNECT_TIMEOUT_MS(null, 5_000, 100, 60_000, "5000",
            "Kling connect timeout"),
    KLING_READ_TIMEOUT_MS(null, 30_000, 100, 120_000, "30000",
            "Kling read timeout"),
    VIDEO_URL_TTL_SECONDS(null, 3600, 60, 7 * 24 * 3600, "3600",
            "lifetime of the video URL GET /jobs/{jobId} returns"),
    ALLOW_LOOPBACK_URLS(null, 0, 0, 1, "0",
            "1 lets image and video URLs be fetched from loopback, over http and on any port: only for the local"
                    + " stack, which serves them on 127.0.0.1 (it sets 1); never in AWS");

    private final String parameter;
    private final long defaultValue;
    private final long min;
    private final long max;
    private final String defaultText;
    private final String meaning;

    Tuning(String parameter, long defaultValue, long min, long max, String defaultText, String meaning) {
        this.parameter = parameter;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.defaultText = defaultText;
        this.meaning = meaning;
    }

    /** The template parameter that sets it, or null when only the function's environment does. */
    public String parameter() {
        return parameter;
    }

    public long defaultValue() {
        return defaultValue;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** The default as the README writes it. */
    public String defaultText() {
        return defaultText;
    }

    public String meaning() {
        return meaning;
    }

    /** Every variable's name. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
