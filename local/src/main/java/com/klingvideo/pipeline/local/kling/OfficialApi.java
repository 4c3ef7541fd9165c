package com.klingvideo.pipeline.local.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Optional;

/**
 * Kling's own API: {@code POST /v1/videos/image2video}, {@code GET /v1/videos/image2video/{id}} (a task
 * id, or else an external_task_id; unknown: HTTP 404, 1203 "task not found") and the list
 * {@code GET /v1/videos/image2video?pageNum=&pageSize=}. Every call needs a valid JWT.
 */
final class OfficialApi extends DialectApi {

    static final String PATH = "/v1/videos/image2video";

    private final JwtVerifier jwt;

    OfficialApi(SimulatorConfig config, SimulatedKling kling, Faults faults, Tally tally, ReceivedCreates received,
                OfficialJson json) {
        super(PATH, kling, faults, tally, received, json);
        this.jwt = new JwtVerifier(config.accessKey(), config.secretKey(), config.clock());
    }

    @Override
    Reply create(Request request) throws InterruptedException {
        try {
            jwt.verify(request.authorization());
            JsonNode body = Json.readOrNull(request.body());
            if (body != null) {
                received.add(body);
            }
            Optional<Faults.Injected> fault = strikeCreateFault();
            Reply reply = Reply.json(200, OfficialJson.envelope(OfficialJson.created(kling.create(body))));
            afterServing(fault);
            return reply;
        } catch (ApiFailure failure) {
            tally.createRejected(failure.code());
            return error(failure);
        }
    }

    @Override
    Reply query(Request request, String id) throws InterruptedException {
        try {
            authorizeQuery(request);
            SimTask task = kling.byTaskId(id).or(() -> kling.byExternalId(id))
                    .orElseThrow(() -> ApiFailure.kling(404, 1203, "task not found"));
            return Reply.json(200, OfficialJson.envelope(json.task(kling.view(task, true))));
        } catch (ApiFailure failure) {
            return error(failure);
        }
    }

    @Override
    Reply list(Request request) throws InterruptedException {
        try {
            authorizeQuery(request);
            int pageNum = pageParameter(request, "pageNum", 1, 1000);
            int pageSize = pageParameter(request, "pageSize", 30, 500);
            List<SimTask> tasks = kling.tasks();
            ArrayNode page = Json.MAPPER.createArrayNode();
            long from = (long) (pageNum - 1) * pageSize;
            tasks.stream().skip(from).limit(pageSize).forEach(task -> page.add(json.task(kling.view(task, false))));
            return Reply.json(200, OfficialJson.envelope(page));
        } catch (ApiFailure failure) {
            return error(failure);
        }
    }

    private void authorizeQuery(Request request) throws InterruptedException {
        jwt.verify(request.authorization());
        strikeQueryFault();
    }

    private static int pageParameter(Request request, String name, int fallback, int max) {
        String value = request.queryParameter(name);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("[0-9]{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > max) {
            throw ApiFailure.invalidParameter(name + " is invalid");
        }
        return Integer.parseInt(value);
    }

    private static Reply error(ApiFailure failure) {
        return failure.origin() == ApiFailure.Origin.NO_BODY
                ? Reply.empty(failure.httpStatus())
                : Reply.json(failure.httpStatus(), OfficialJson.error(failure));
    }
}
