package com.klingvideo.pipeline.local.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * A new-api gateway in front of Kling (ezmodel.cloud): {@code POST /kling/v1/videos/image2video} and
 * {@code GET /kling/v1/videos/image2video/{task_id}} with {@code Authorization: Bearer <key>}.
 *
 * <p>The gateway checks what it prices and routes before Kling sees the request: the key (401,
 * OpenAI-style body), the model (503 {@code model_not_found}), a non-blank prompt and a start image
 * (400 {@code invalid_request}), mode and duration as strings Kling knows (500
 * {@code get_price_scale_failed}). Kling's own refusals and injected Kling faults come back as
 * {@code fail_to_fetch_task} with Kling's HTTP status and Kling's JSON body as a string in
 * {@code message}; {@link Fault#HTTP_503_NO_BODY} stays body-less, as it stands for whatever sits in
 * front. It only knows its own task ids: an unknown id (an external_task_id included) gets 400
 * {@code task_not_exist}.
 */
final class GatewayApi extends DialectApi {

    static final String PATH = "/kling/v1/videos/image2video";

    private final byte[] expectedAuthorization;

    GatewayApi(SimulatorConfig config, SimulatedKling kling, Faults faults, Tally tally, ReceivedCreates received,
               OfficialJson json) {
        super(PATH, kling, faults, tally, received, json);
        this.expectedAuthorization = ("Bearer " + config.apiKey()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    Reply create(Request request) throws InterruptedException {
        try {
            checkKey(request.authorization());
            JsonNode body = Json.readOrNull(request.body());
            if (body == null || !body.isObject()) {
                throw ApiFailure.gateway(400, "invalid_request", "request body is not a JSON object");
            }
            received.add(body);
            checkWhatTheGatewayReads(body);
            Optional<Faults.Injected> fault = strikeCreateFault();
            SimTask task = kling.create(body);
            ObjectNode created = Json.object()
                    .put("id", task.id())
                    .put("task_id", task.id())
                    .put("object", "video")
                    .put("model", task.request().model())
                    .put("status", "")
                    .put("progress", 0)
                    .put("created_at", task.createdAt().getEpochSecond());
            afterServing(fault);
            return Reply.json(200, created);
        } catch (ApiFailure failure) {
            tally.createRejected(failure.code());
            return error(failure);
        }
    }

    @Override
    Reply query(Request request, String id) throws InterruptedException {
        try {
            checkKey(request.authorization());
            strikeQueryFault();
            SimTask task = kling.byTaskId(id)
                    .orElseThrow(() -> ApiFailure.gateway(400, "task_not_exist", "task_not_exist"));
            SimTask.View view = kling.view(task, true);
            ObjectNode official = json.task(view);
            ObjectNode data = Json.object()
                    .put("task_id", task.id())
                    .put("action", "generate")
                    .put("status", view.status().gateway())
                    .put("progress", view.progress() + "%")
                    .put("fail_reason", failReason(view, official))
                    .put("submit_time", task.createdAt().getEpochSecond())
                    .put("start_time", view.startedAt() == null ? 0 : view.startedAt().getEpochSecond())
                    .put("finish_time", view.finishedAt() == null ? 0 : view.finishedAt().getEpochSecond());
            data.set("data", OfficialJson.envelope(official));
            ObjectNode wrapper = Json.object().put("code", "success").put("message", "");
            wrapper.set("data", data);
            return Reply.json(200, wrapper);
        } catch (ApiFailure failure) {
            return error(failure);
        }
    }

    /** On success the video URL; on failure new-api's useless "SUCCEED" (the reason is in the raw body). */
    private static String failReason(SimTask.View view, ObjectNode official) {
        return switch (view.status()) {
            case SUCCEED -> official.path("task_result").path("videos").path(0).path("url").asText();
            case FAILED -> "SUCCEED";
            default -> "";
        };
    }

    private void checkKey(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiFailure.gatewayAuth("no token provided");
        }
        if (!MessageDigest.isEqual(expectedAuthorization, authorization.getBytes(StandardCharsets.UTF_8))) {
            throw ApiFailure.gatewayAuth("invalid token");
        }
    }

    private static void checkWhatTheGatewayReads(JsonNode body) {
        String model = CreateRequest.requestedModel(body);
        if (!CreateRequest.MODELS.contains(model)) {
            throw ApiFailure.gateway(503, "model_not_found", "no available channel for model " + model);
        }
        if (body.path("prompt").asText("").isBlank()) {
            throw ApiFailure.gateway(400, "invalid_request", "prompt is required");
        }
        if (body.path("image").asText("").isBlank()) {
            throw ApiFailure.gateway(400, "invalid_request", "image is required");
        }
        if (!stringIn(body, "mode", "std", CreateRequest.MODES)
                || !stringIn(body, "duration", "5", CreateRequest.DURATIONS)) {
            throw ApiFailure.gateway(500, "get_price_scale_failed", "get_price_scale_failed");
        }
    }

    private static boolean stringIn(JsonNode body, String field, String fallback, Set<String> allowed) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return allowed.contains(fallback);
        }
        return value.isTextual() && allowed.contains(value.asText());
    }

    private static Reply error(ApiFailure failure) {
        return switch (failure.origin()) {
            case NO_BODY -> Reply.empty(failure.httpStatus());
            case KLING -> Reply.json(failure.httpStatus(), gatewayError("fail_to_fetch_task",
                    Json.write(OfficialJson.error(failure))));
            case GATEWAY -> Reply.json(failure.httpStatus(), gatewayError(failure.code(), failure.getMessage()));
            case GATEWAY_AUTH -> {
                ObjectNode body = Json.object();
                body.putObject("error").put("message", failure.getMessage()).put("type", failure.code());
                yield Reply.json(failure.httpStatus(), body);
            }
        };
    }

    private static ObjectNode gatewayError(String code, String message) {
        ObjectNode body = Json.object().put("code", code).put("message", message);
        body.putNull("data");
        return body;
    }
}
