package com.klingvideo.pipeline.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.domain.KlingTask;
import com.klingvideo.pipeline.domain.KlingTaskStatus;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a task from any answer shape either dialect is known to send, on either route:
 * <ul>
 *   <li>the official envelope {@code {code:0, data:{task_id, task_status, task_status_msg, task_info,
 *       final_unit_deduction, task_result:{videos:[{url, duration}]}}}};</li>
 *   <li>the bare official task object (what a callback carries);</li>
 *   <li>a gateway's create object {@code {id, task_id, status, ...}};</li>
 *   <li>a gateway's query wrapper {@code {code:"success", data:{task_id, status, fail_reason,
 *       data:<raw official body>}}}: the raw official body wins for status, reason and video.</li>
 * </ul>
 * A gateway's {@code fail_reason} is never read as a reason: on failure it holds "SUCCEED", on success
 * the video URL (used only when the raw official body is missing).
 */
final class KlingResponseParser {

    private KlingResponseParser() {
    }

    /** The task in this 2xx body, or empty when there is none (no JSON, no task id). */
    static Optional<KlingTask> parseTask(String body) {
        JsonNode root = KlingJson.readOrNull(body);
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        JsonNode official;
        JsonNode gateway;
        JsonNode data = objectOrNull(root.get("data"));
        JsonNode rawOfficial = data == null ? null : rawOfficialBody(data.get("data"));
        if (rawOfficial != null) {
            official = rawOfficial;
            gateway = data;
        } else {
            JsonNode task = data != null ? data : root;
            boolean officialShape = task.has("task_status");
            official = officialShape ? task : null;
            gateway = officialShape ? null : task;
        }

        // The gateway's id comes first: it is the id its own query route knows (equal to Kling's on
        // gateways that pass Kling's id through, different on those that issue their own).
        String taskId = firstNonBlank(KlingJson.text(gateway, "task_id"), KlingJson.text(gateway, "id"),
                KlingJson.text(official, "task_id"));
        if (taskId == null) {
            return Optional.empty();
        }
        String rawStatus = firstNonNull(KlingJson.text(official, "task_status"), KlingJson.text(gateway, "status"), "");
        KlingTaskStatus status = mapStatus(rawStatus);
        JsonNode video = official == null ? null : official.path("task_result").path("videos").path(0);
        String videoUrl = KlingJson.text(video, "url");
        if (videoUrl == null && official == null && status == KlingTaskStatus.SUCCEEDED) {
            videoUrl = httpUrlOrNull(KlingJson.text(gateway, "fail_reason"));
        }
        return Optional.of(new KlingTask(
                taskId,
                official == null ? null : KlingJson.text(official.path("task_info"), "external_task_id"),
                status,
                rawStatus,
                firstNonNull(KlingJson.text(official, "task_status_msg"), ""),
                videoUrl,
                KlingJson.text(video, "duration"),
                KlingJson.text(official, "final_unit_deduction"),
                runTime(status, official, gateway)));
    }

    /**
     * How long a task that succeeded ran by Kling's clock: official {@code created_at} to {@code updated_at}
     * (epoch milliseconds), else a gateway's {@code submit_time} to {@code finish_time} (seconds).
     */
    static Duration runTime(KlingTaskStatus status, JsonNode official, JsonNode gateway) {
        if (status != KlingTaskStatus.SUCCEEDED) {
            return null;
        }
        Duration officialTime = between(official, "created_at", "updated_at", 1);
        return officialTime != null ? officialTime : between(gateway, "submit_time", "finish_time", 1000);
    }

    private static Duration between(JsonNode node, String from, String to, long millisPerUnit) {
        if (node == null || !node.path(from).canConvertToLong() || !node.path(to).canConvertToLong()) {
            return null;
        }
        long start = node.path(from).asLong();
        long end = node.path(to).asLong();
        return start > 0 && end > start ? Duration.ofMillis((end - start) * millisPerUnit) : null;
    }

    /**
     * Official {@code submitted/processing/succeed/failed} and gateway {@code NOT_START, SUBMITTED, QUEUED,
     * IN_PROGRESS, UNKNOWN, SUCCESS, FAILURE}, any case. Anything else, blank included, counts as
     * still processing: the poll loop has its own limit.
     */
    static KlingTaskStatus mapStatus(String rawStatus) {
        return switch (rawStatus.trim().toLowerCase(Locale.ROOT)) {
            case "submitted", "not_start", "queued" -> KlingTaskStatus.SUBMITTED;
            case "succeed", "success" -> KlingTaskStatus.SUCCEEDED;
            case "failed", "failure" -> KlingTaskStatus.FAILED;
            default -> KlingTaskStatus.PROCESSING;
        };
    }

    /** The task object inside a gateway wrapper's raw official body (an object, or a JSON string of one). */
    private static JsonNode rawOfficialBody(JsonNode node) {
        JsonNode body = node != null && node.isTextual() ? KlingJson.readOrNull(node.asText()) : node;
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode envelopeData = objectOrNull(body.get("data"));
        if (envelopeData != null && envelopeData.has("task_id")) {
            return envelopeData;
        }
        return body.has("task_id") && body.has("task_status") ? body : null;
    }

    private static JsonNode objectOrNull(JsonNode node) {
        return node != null && node.isObject() ? node : null;
    }

    private static String httpUrlOrNull(String value) {
        return value != null && (value.startsWith("https://") || value.startsWith("http://")) ? value : null;
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private static String firstNonNull(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
