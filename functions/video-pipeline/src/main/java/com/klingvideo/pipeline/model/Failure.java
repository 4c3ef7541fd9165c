package com.klingvideo.pipeline.model;

/**
 * Why a job ended without a video.
 *
 * @param code   stable, machine-readable: {@code INVALID_INPUT}, {@code KLING_<businessCode>},
 *               {@code KLING_TASK_FAILED}, {@code KLING_NO_VIDEO}, {@code QUEUE_EXPIRED}, {@code SUBMIT_DEADLINE},
 *               {@code SUBMIT_UNVERIFIABLE}, {@code POLL_LIMIT}, {@code STATUS_CHECK_ERROR}
 * @param reason for people: precise enough to fix the input or the account
 */
public record Failure(String code, String reason) {
}
