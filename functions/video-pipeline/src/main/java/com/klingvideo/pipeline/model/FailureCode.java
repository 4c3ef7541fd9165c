package com.klingvideo.pipeline.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a job ended without a video: the one list of the {@code failureCode} values jobs are stored and
 * answered with, what each means and what an operator does about it. The README's table is checked
 * against it.
 */
public enum FailureCode {
    INVALID_INPUT("the image or a parameter broke a rule (the reason lists each)",
            "fix and upload again"),
    KLING_TASK_FAILED("Kling ran the task and failed it (reason from Kling's task_status_msg)",
            "usually the image or prompt"),
    /** Stored as {@code KLING_} followed by Kling's own code: {@code KLING_1301}, {@code KLING_task_not_exist}. */
    KLING_REFUSED("Kling refused the request: 1000-1002 bad credentials, 1103 no access to the model, 1200-1203"
            + " bad parameters, 1300/1301 content policy, 1304 IP whitelist",
            "the reason carries Kling's message"),
    QUEUE_EXPIRED("the job waited MaxQueueHours for a Kling slot (the account's limit is too small for the load,"
            + " or intake stayed paused)",
            "raise KlingConcurrencyLimit if the account allows, upload again"),
    SUBMIT_DEADLINE("the job held a slot for SubmitDeadlineMinutes while Kling was down or rate-limiting",
            "upload again when Kling is healthy"),
    SUBMIT_UNVERIFIABLE("a gateway request ended without an answer and gateways cannot look tasks up; not"
            + " resubmitted so it is not paid twice",
            "check the gateway's task list"),
    STATUS_CHECK_ERROR("the function could not advance a job that Kling holds no task for (nothing was sent, or"
            + " the submit deadline passed); the reason says what kind of error, its text (which may name AWS"
            + " resources) is only in CheckStatusFunction's log as job.check.error",
            "check the log, upload again"),
    POLL_LIMIT("the job is TIMED_OUT: Kling had not finished after MaxPollMinutes, or its status route kept"
            + " failing until then (the reason names the last status and the last failed check)",
            "upload again; if Kling is often this slow, raise MaxPollMinutes"),
    VIDEO_TOO_LARGE("Kling's video is larger than the pipeline copies (2 GiB)",
            "fetch it from Kling within 30 days"),
    KLING_NO_VIDEO("Kling reported success without a video URL",
            "upload again");

    private static final String KLING_PREFIX = "KLING_";

    private final String meaning;
    private final String action;

    FailureCode(String meaning, String action) {
        this.meaning = meaning;
        this.action = action;
    }

    /** What happened, for people. */
    public String meaning() {
        return meaning;
    }

    /** What an operator should do about it. */
    public String action() {
        return action;
    }

    /** Whether the stored code carries Kling's own code ({@link #KLING_REFUSED} only). */
    public boolean carriesKlingCode() {
        return this == KLING_REFUSED;
    }

    /** The stored code as documented: the name, or {@code KLING_<code>} for {@link #KLING_REFUSED}. */
    public String pattern() {
        return carriesKlingCode() ? KLING_PREFIX + "<code>" : name();
    }

    /** The stored code: the name, or {@code KLING_} and Kling's code for {@link #KLING_REFUSED}. */
    String wireCode(String klingCode) {
        return carriesKlingCode() ? KLING_PREFIX + klingCode : name();
    }

    /**
     * The code a stored {@code failureCode} names: a constant's name, else {@code KLING_<code>} is
     * {@link #KLING_REFUSED}; empty for anything else.
     */
    static Optional<FailureCode> ofWire(String wire) {
        Optional<FailureCode> named = Arrays.stream(values())
                .filter(code -> !code.carriesKlingCode() && code.name().equals(wire))
                .findFirst();
        if (named.isPresent() || wire == null || wire.length() <= KLING_PREFIX.length()
                || !wire.startsWith(KLING_PREFIX)) {
            return named;
        }
        return Optional.of(KLING_REFUSED);
    }

    static String klingCodeOf(String wire) {
        return wire.substring(KLING_PREFIX.length());
    }
}
