package com.klingvideo.pipeline.domain;

import java.util.Map;

/**
 * The account's capacity as operators see it.
 *
 * @param inUse           slots held now
 * @param configuredLimit the limit set for the deployment
 * @param effectiveLimit  the limit applied now: the configured one, or the learned one when lower
 * @param queued          jobs waiting for a slot
 * @param pause           the pause in force, or null
 * @param runTimes        observed Kling run times by kind of video ({@code model/mode/duration})
 */
public record CapacityView(int inUse, int configuredLimit, int effectiveLimit, long queued, Pause pause,
                           Map<String, RunTime> runTimes) {
}
