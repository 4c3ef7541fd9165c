package com.klingvideo.pipeline.entrypoints;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.config.Components;
import com.klingvideo.pipeline.domain.ApiJobRequest;
import com.klingvideo.pipeline.domain.ApiJobs;
import com.klingvideo.pipeline.domain.Caller;
import com.klingvideo.pipeline.domain.FieldError;
import com.klingvideo.pipeline.domain.JobLauncher;
import com.klingvideo.pipeline.domain.failure.ImageKeyNotAllowedException;
import com.klingvideo.pipeline.domain.failure.InvalidJobRequestException;
import com.klingvideo.pipeline.domain.failure.InvalidPageTokenException;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.JobPage;
import com.klingvideo.pipeline.model.JobStatus;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * JobsApiFunction behind API Gateway (REST API, proxy integration): {@code POST /jobs},
 * {@code GET /jobs/{jobId}}, {@code GET /jobs} and {@code GET /capacity} with an API key or, when the
 * stack is deployed so, IAM authorization; each caller sees only its own jobs (see {@link Caller});
 * {@code POST /admin/intake/pause} and {@code POST /admin/intake/resume} with IAM authorization (SigV4),
 * for operators. Errors always have the shape
 * {@code {"error": {"code", "message", "fields": [{"field", "message"}]}}}, mapped here and nowhere else.
 */
public class JobsApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    /** Lambda's synchronous payload limit is 6 MB; refuse clearly before it does. */
    static final int MAX_BODY_BYTES = 6 * 1000 * 1000 - 100_000;
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonLog LOG = JsonLog.of(JobsApiHandler.class);
    /**
     * The one mapping from exceptions to answers, first match wins: each exception named here is refused
     * with its {@link ApiError}; anything else is a 500 that shows nothing of it, since its text may name
     * tables, ARNs or hosts.
     */
    private static final List<Refusal<?>> REFUSALS = List.of(
            new Refusal<>(BadRequest.class, e -> e.error, Throwable::getMessage, e -> List.of()),
            new Refusal<>(ImageKeyNotAllowedException.class, e -> ApiError.S3_KEY_NOT_ALLOWED, Throwable::getMessage,
                    e -> List.of(new FieldError(e.field() + ".s3Key", "is outside the prefixes this caller may use"))),
            new Refusal<>(InvalidJobRequestException.class, e -> ApiError.INVALID_REQUEST,
                    e -> "the request is not valid", InvalidJobRequestException::errors),
            new Refusal<>(InvalidPageTokenException.class, e -> ApiError.INVALID_REQUEST, Throwable::getMessage,
                    e -> List.of()));

    private final ApiJobs jobs;

    public JobsApiHandler() {
        this(Components.fromEnvironment().apiJobs());
    }

    public JobsApiHandler(ApiJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        try {
            return route(request);
        } catch (RuntimeException e) {
            for (Refusal<?> refusal : REFUSALS) {
                if (refusal.type().isInstance(e)) {
                    return refusal.answer(e);
                }
            }
            LOG.error("api.failed", "requestId", requestId, "error", e.getClass().getName(), "message", e.getMessage());
            return error(ApiError.INTERNAL_ERROR, "the request could not be completed; retry with the same "
                    + "idempotencyKey to be safe (request id " + requestId + ")", List.of());
        }
    }

    private APIGatewayProxyResponseEvent route(APIGatewayProxyRequestEvent request) {
        String method = request.getHttpMethod() == null ? "" : request.getHttpMethod().toUpperCase(Locale.ROOT);
        String resource = request.getResource() == null ? "" : request.getResource();
        return switch (method + " " + resource) {
            case "POST /jobs" -> create(request);
            case "GET /jobs/{jobId}" -> get(caller(request), pathParameter(request, "jobId"));
            case "GET /jobs" -> list(caller(request), request.getQueryStringParameters());
            case "GET /capacity" -> respond(200, JobJson.of(JSON, jobs.capacity()));
            case "POST /admin/intake/pause" -> {
                String operator = operator(request);
                String reason = pauseReason(body(request));
                LOG.info("api.admin.pause", "operator", operator, "reason", reason);
                yield respond(200, JobJson.of(JSON, jobs.pauseIntake(reason)));
            }
            case "POST /admin/intake/resume" -> {
                LOG.info("api.admin.resume", "operator", operator(request));
                yield respond(200, JobJson.of(JSON, jobs.resumeIntake()));
            }
            default -> throw new BadRequest(ApiError.NOT_FOUND, "no route for " + method + " " + request.getPath());
        };
    }

    private APIGatewayProxyResponseEvent create(APIGatewayProxyRequestEvent request) {
        String body = body(request);
        ApiJobRequest parsed = CreateJobRequestParser.parse(JSON, body, header(request, "Idempotency-Key"));
        JobLauncher.Launch launch = jobs.create(parsed, caller(request));
        ObjectNode job = JobJson.of(JSON, launch.job(), null);
        return respond(launch.created() ? 202 : 200, job)
                .withHeaders(Map.of("Content-Type", "application/json", "Location", "/jobs/" + launch.job().jobId()));
    }

    private APIGatewayProxyResponseEvent get(Caller caller, String jobId) {
        Optional<ApiJobs.JobView> view = jobs.get(caller, jobId);
        if (view.isEmpty()) {
            throw new BadRequest(ApiError.JOB_NOT_FOUND, "no job " + jobId);
        }
        return respond(200, JobJson.of(JSON, view.get()));
    }

    private APIGatewayProxyResponseEvent list(Caller caller, Map<String, String> query) {
        Map<String, String> params = query == null ? Map.of() : query;
        JobStatus status = null;
        String statusText = params.get("status");
        if (statusText != null && !statusText.isBlank()) {
            try {
                status = JobStatus.valueOf(statusText.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(ApiError.INVALID_REQUEST, "status must be one of " + List.of(JobStatus.values()));
            }
        }
        int limit = DEFAULT_LIMIT;
        String limitText = params.get("limit");
        if (limitText != null && !limitText.isBlank()) {
            try {
                limit = Integer.parseInt(limitText.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new BadRequest(ApiError.INVALID_REQUEST, "limit must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        JobPage page = jobs.list(caller, status, limit, params.get("nextToken"));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("jobs");
        page.jobs().forEach(job -> items.add(JobJson.of(JSON, job, null)));
        if (page.nextToken() != null) {
            out.put("nextToken", page.nextToken());
        }
        return respond(200, out);
    }

    /**
     * The IAM principal API Gateway authorized (SigV4); admin routes refuse a request without one, in
     * case the route were ever deployed without IAM authorization.
     */
    private static String operator(APIGatewayProxyRequestEvent request) {
        String arn = request.getRequestContext() == null || request.getRequestContext().getIdentity() == null
                ? null : request.getRequestContext().getIdentity().getUserArn();
        if (arn == null || arn.isBlank()) {
            throw new BadRequest(ApiError.FORBIDDEN, "admin routes need IAM authorization (a SigV4-signed request)");
        }
        return arn;
    }

    /** The optional {@code {"reason": "..."}} of a pause, or null. */
    private static String pauseReason(String body) {
        String reason = null;
        if (body != null && !body.isBlank()) {
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new BadRequest(ApiError.INVALID_REQUEST, "the body is not valid JSON");
            }
            if (root == null || !root.isObject()) {
                throw new BadRequest(ApiError.INVALID_REQUEST, "the body must be a JSON object");
            }
            for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("reason")) {
                    throw new BadRequest(ApiError.INVALID_REQUEST, name + " is not a known field; the only one is reason");
                }
            }
            JsonNode value = root.get("reason");
            if (value != null && !value.isNull() && !value.isTextual()) {
                throw new BadRequest(ApiError.INVALID_REQUEST, "reason must be a string");
            }
            reason = value == null || value.isNull() ? null : value.textValue();
        }
        return reason;
    }

    private static String body(APIGatewayProxyRequestEvent request) {
        String body = request.getBody();
        if (body == null) {
            return null;
        }
        if (body.length() > MAX_BODY_BYTES) {
            throw new BadRequest(ApiError.PAYLOAD_TOO_LARGE, "the body is larger than " + MAX_BODY_BYTES
                    + " bytes; put large images in the bucket and pass image.s3Key, or pass image.url");
        }
        if (Boolean.TRUE.equals(request.getIsBase64Encoded())) {
            try {
                return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(ApiError.INVALID_REQUEST, "the body is marked base64 but is not");
            }
        }
        return body;
    }

    /**
     * Who is calling, as API Gateway authenticated it: the IAM principal of a SigV4-signed request, else
     * the API key (requests without a valid key or signature never reach the function). A request with
     * neither is refused rather than given a shared identity. The key's value is only ever digested.
     */
    private static Caller caller(APIGatewayProxyRequestEvent request) {
        APIGatewayProxyRequestEvent.RequestIdentity identity =
                request.getRequestContext() == null ? null : request.getRequestContext().getIdentity();
        if (identity != null && identity.getUserArn() != null && !identity.getUserArn().isBlank()) {
            return Caller.iamPrincipal(identity.getUserArn());
        }
        if (identity != null && identity.getApiKey() != null && !identity.getApiKey().isBlank()) {
            return Caller.apiKey(identity.getApiKey());
        }
        throw new BadRequest(ApiError.FORBIDDEN, "the jobs routes need an API key or IAM authorization");
    }

    private static String header(APIGatewayProxyRequestEvent request, String name) {
        if (request.getHeaders() == null) {
            return null;
        }
        return request.getHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private static String pathParameter(APIGatewayProxyRequestEvent request, String name) {
        Map<String, String> path = request.getPathParameters();
        String value = path == null ? null : path.get(name);
        if (value == null || value.isBlank()) {
            throw new BadRequest(ApiError.INVALID_REQUEST, name + " is missing from the path");
        }
        return value;
    }

    private static APIGatewayProxyResponseEvent respond(int status, Object body) {
        try {
            return new APIGatewayProxyResponseEvent()
                    .withStatusCode(status)
                    .withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    private static APIGatewayProxyResponseEvent error(ApiError code, String message, List<FieldError> fields) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code.name());
        error.put("message", message);
        ArrayNode list = error.putArray("fields");
        for (FieldError field : fields) {
            ObjectNode entry = list.addObject().put("field", field.field()).put("message", field.message());
            if (field.code() != null) {
                entry.put("code", field.code());
            }
        }
        return respond(code.status(), root);
    }

    /** A request answered with a 4xx before reaching the domain. */
    private static final class BadRequest extends RuntimeException {
        private final ApiError error;

        BadRequest(ApiError error, String message) {
            super(message);
            this.error = error;
        }
    }

    /** How one kind of exception is answered: its code, the message shown and the fields named. */
    private record Refusal<E extends RuntimeException>(Class<E> type, Function<E, ApiError> error,
            Function<E, String> message, Function<E, List<FieldError>> fields) {
        APIGatewayProxyResponseEvent answer(RuntimeException thrown) {
            E e = type.cast(thrown);
            return JobsApiHandler.error(error.apply(e), message.apply(e), fields.apply(e));
        }
    }
}
