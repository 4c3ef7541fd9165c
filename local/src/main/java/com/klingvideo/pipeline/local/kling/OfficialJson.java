package com.klingvideo.pipeline.local.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Kling's own answer shapes, which the gateway also embeds: the {@code {code, message, request_id,
 * data}} envelope, error bodies, and the task object (times in epoch milliseconds, the video's
 * {@code duration} a string).
 *
 * <p>The video's reported duration is the one Kling would deliver ({@code "5.1"} or {@code "10.1"} for
 * 5 s and 10 s), not the length of the short stand-in file the simulator renders.
 */
final class OfficialJson {

    private final VideoLinks links;
    private final Supplier<URI> baseUrl;

    OfficialJson(VideoLinks links, Supplier<URI> baseUrl) {
        this.links = links;
        this.baseUrl = baseUrl;
    }

    static ObjectNode envelope(JsonNode data) {
        ObjectNode envelope = Json.object().put("code", 0).put("message", "SUCCEED").put("request_id", requestId());
        envelope.set("data", data);
        return envelope;
    }

    /** {@code {"code":1303,"message":"...","request_id":"..."}}; only for failures of Kling origin. */
    static ObjectNode error(ApiFailure failure) {
        return Json.object()
                .put("code", Integer.parseInt(failure.code()))
                .put("message", failure.getMessage())
                .put("request_id", requestId());
    }

    /** The create answer's data: the task just submitted. */
    static ObjectNode created(SimTask task) {
        ObjectNode data = Json.object().put("task_id", task.id()).put("task_status", SimTask.Status.SUBMITTED.official());
        data.set("task_info", taskInfo(task));
        long createdAt = task.createdAt().toEpochMilli();
        return data.put("created_at", createdAt).put("updated_at", createdAt);
    }

    /** The query answer's data. */
    ObjectNode task(SimTask.View view) {
        SimTask task = view.task();
        ObjectNode data = Json.object()
                .put("task_id", task.id())
                .put("task_status", view.status().official())
                .put("task_status_msg", view.statusMessage());
        data.set("task_info", taskInfo(task));
        if (view.status().ended()) {
            data.put("final_unit_deduction", task.unitsDeducted(view.status()));
        }
        data.put("created_at", task.createdAt().toEpochMilli()).put("updated_at", view.updatedAt().toEpochMilli());
        ObjectNode result = data.putObject("task_result");
        if (view.status() == SimTask.Status.SUCCEED) {
            result.putArray("videos").addObject()
                    .put("id", task.videoId())
                    .put("url", videoUrl(task))
                    .put("duration", task.request().duration() + ".1");
        }
        return data;
    }

    /** A freshly signed URL of the task's video. */
    String videoUrl(SimTask task) {
        return baseUrl.get() + links.pathAndQuery(task.id());
    }

    private static ObjectNode taskInfo(SimTask task) {
        ObjectNode info = Json.object();
        if (task.externalTaskId() != null) {
            info.put("external_task_id", task.externalTaskId());
        }
        return info;
    }

    private static String requestId() {
        return UUID.randomUUID().toString();
    }
}
