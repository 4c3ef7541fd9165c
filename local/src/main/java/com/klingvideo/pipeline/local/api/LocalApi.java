package com.klingvideo.pipeline.local.api;

import com.klingvideo.pipeline.local.lambda.InvocationRejectedException;
import com.klingvideo.pipeline.local.lambda.InvocationResult;
import com.klingvideo.pipeline.local.lambda.LambdaHost;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.local.LoopbackServer;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * API Gateway (REST API, Lambda proxy integration) on a local address: requests under
 * {@code /{stage}} become the events the function receives in AWS, are invoked through the
 * {@link LambdaHost}, and the function's proxy response becomes the HTTP response.
 *
 * <p>API Gateway's own answers are emulated, not skipped, and come before the function runs: a path
 * or method with no route is 403 "Missing Authentication Token"; a missing or unknown {@code x-api-key}
 * when the method requires one is 403 "Forbidden"; on an {@code AWS_IAM} method, a request without a
 * SigV4 signature is 403 "Missing Authentication Token", one signed with unknown credentials or a
 * signature that does not verify is 403; a body over 10 MB is 413 "Request Too Long"; a function that
 * fails is 502 "Internal server error". They are worded by the API's gateway responses.
 */
public final class LocalApi implements AutoCloseable {
    /** API Gateway's payload limit. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final JsonLog LOG = JsonLog.of(LocalApi.class);
    private static final int HTTP_THREADS = 8;

    private final LambdaHost functions;
    private final RestApi api;
    private final Map<String, String> apiKeys;
    private final SigV4Verifier iam;
    private final String host;
    private final int port;
    private final String apiId = randomId();
    private final Map<PathTemplate, List<ApiRoute>> resources = new LinkedHashMap<>();
    private LoopbackServer server;
    private boolean closed;

    /**
     * @param functions where the routes' functions run, registered under their logical ids
     * @param api       the stage, key requirement, routes and gateway responses to serve
     * @param apiKeys   the API key values accepted, each with its key id (as the request context names it)
     * @param host      the address to listen on, {@code 127.0.0.1} for loopback only
     * @param port      the port, 0 for any free one
     */
    public LocalApi(LambdaHost functions, RestApi api, Map<String, String> apiKeys, String host, int port) {
        this(functions, api, apiKeys, null, host, port);
    }

    /**
     * @param iamCredentials for {@code AWS_IAM} methods: the one access key id and secret accepted, signed
     *                       for {@code region}, and the principal ARN it stands for; null refuses them all
     */
    public LocalApi(LambdaHost functions, RestApi api, Map<String, String> apiKeys, IamCredentials iamCredentials,
            String host, int port) {
        this.functions = Objects.requireNonNull(functions, "functions");
        this.api = Objects.requireNonNull(api, "api");
        this.apiKeys = Map.copyOf(apiKeys);
        this.iam = iamCredentials == null ? new SigV4Verifier("-", Map.of(), Map.of())
                : new SigV4Verifier(iamCredentials.region(), Map.of(iamCredentials.accessKeyId(), iamCredentials.secret()),
                        Map.of(iamCredentials.accessKeyId(), new SigV4Verifier.Principal(iamCredentials.accessKeyId(),
                                iamCredentials.userArn(), iamCredentials.accountId())));
        this.host = host;
        this.port = port;
        Map<String, PathTemplate> templates = new LinkedHashMap<>();
        for (ApiRoute route : api.routes()) {
            PathTemplate template = templates.computeIfAbsent(route.path(), PathTemplate::new);
            resources.computeIfAbsent(template, t -> new ArrayList<>()).add(route);
        }
    }

    /** The credentials IAM-authorized methods accept (the local stack's own), and whose they are. */
    public record IamCredentials(String region, String accessKeyId, String secret, String userArn, String accountId) {
        @Override
        public String toString() {
            return "IamCredentials[region=" + region + ", accessKeyId=" + accessKeyId + ", userArn=" + userArn + "]";
        }
    }

    public synchronized LocalApi start() {
        if (server != null || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        server = LoopbackServer.start(host, port, HTTP_THREADS, "local-api", this::serve);
        return this;
    }

    /** The stage's base URL, as the template's ApiUrl output: {@code http://127.0.0.1:PORT/v1}. */
    public synchronized URI endpoint() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return URI.create(server.baseUri() + "/" + api.stageName());
    }

    /** Stops serving and frees the port. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close();
        }
    }

    private void serve(HttpExchange exchange) {
        String requestId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        int status;
        try {
            status = answer(exchange, requestId);
        } catch (IOException | RuntimeException e) {
            LOG.error("api.request.failed", "requestId", requestId, "error", e.getClass().getName(),
                    "message", e.getMessage());
            status = -1;
        } finally {
            exchange.close();
        }
        LOG.info("api.request", "requestId", requestId, "method", exchange.getRequestMethod(),
                "path", exchange.getRequestURI().getRawPath(), "status", status,
                "latencyMs", (System.nanoTime() - started) / 1_000_000);
    }

    /** @return the status sent */
    private int answer(HttpExchange exchange, String requestId) throws IOException {
        byte[] body = readBody(exchange);
        if (body == null) {
            return sendError(exchange, GatewayError.REQUEST_TOO_LARGE, requestId);
        }
        String stagePrefix = "/" + api.stageName();
        String rawPath = exchange.getRequestURI().getRawPath();
        if (!rawPath.equals(stagePrefix) && !rawPath.startsWith(stagePrefix + "/")) {
            return sendError(exchange, GatewayError.MISSING_AUTHENTICATION_TOKEN, requestId);
        }
        String resourcePath = rawPath.length() == stagePrefix.length() ? "/" : rawPath.substring(stagePrefix.length());
        String method = exchange.getRequestMethod();

        Match match = route(resourcePath, method);
        if (match == null) {
            return sendError(exchange, GatewayError.MISSING_AUTHENTICATION_TOKEN, requestId);
        }
        SigV4Verifier.Principal signer = null;
        if (match.route().needsIam(api.iamByDefault())) {
            SigV4Verifier.Result checked = iam.verify(method, rawPath, exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(), body, Instant.now());
            switch (checked.verdict()) {
                case MISSING -> {
                    return sendError(exchange, GatewayError.MISSING_AUTHENTICATION_TOKEN, requestId);
                }
                case UNKNOWN_KEY -> {
                    return sendError(exchange, GatewayError.ACCESS_DENIED, requestId);
                }
                case INVALID -> {
                    return sendError(exchange, GatewayError.INVALID_SIGNATURE, requestId);
                }
                case VALID -> signer = checked.principal();
            }
        }
        String apiKey = null;
        String apiKeyId = null;
        if (match.route().needsApiKey(api.apiKeyRequired())) {
            apiKey = exchange.getRequestHeaders().getFirst("x-api-key");
            apiKeyId = apiKey == null ? null : apiKeys.get(apiKey);
            if (apiKeyId == null) {
                return sendError(exchange, GatewayError.INVALID_API_KEY, requestId);
            }
        }

        ProxyEvents.Request request = new ProxyEvents.Request(method, resourcePath,
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body,
                exchange.getRemoteAddress().getAddress().getHostAddress(), Instant.now());
        ProxyEvents.Target target = new ProxyEvents.Target(api.stageName(), apiId, match.route().path(),
                match.pathParameters(), apiKey, apiKeyId, requestId, signer);
        InvocationResult result;
        try {
            result = functions.invoke(match.route().functionLogicalId(), ProxyEvents.requestEvent(request, target));
        } catch (InvocationRejectedException e) {
            LOG.error("api.integration.refused", "requestId", requestId, "function", match.route().functionLogicalId(),
                    "errorType", e.errorType(), "message", e.getMessage());
            return sendError(exchange, GatewayError.INTEGRATION_REFUSED, requestId);
        }
        if (result.failed()) {
            return sendError(exchange, GatewayError.FUNCTION_FAILED, requestId);
        }
        ProxyEvents.Response response;
        try {
            response = ProxyEvents.response(result.payload());
        } catch (IllegalArgumentException e) {
            LOG.error("api.response.malformed", "requestId", requestId, "function", match.route().functionLogicalId(),
                    "message", e.getMessage());
            return sendError(exchange, GatewayError.FUNCTION_FAILED, requestId);
        }
        // The length and framing are the server's to set, from the body actually sent.
        response.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        return send(exchange, response.status(), requestId, response.body());
    }

    private record Match(ApiRoute route, Map<String, String> pathParameters) {
    }

    /**
     * The most specific resource matching the path, then its method (or ANY). As in API Gateway, a
     * method missing on that resource is not looked for on a less specific one.
     */
    private Match route(String resourcePath, String method) {
        return resources.keySet().stream()
                .filter(template -> template.match(resourcePath) != null)
                .min(PathTemplate::compareSpecificity)
                .flatMap(template -> resources.get(template).stream()
                        .filter(route -> route.method().equals(method) || route.method().equals("ANY"))
                        .min(Comparator.comparing(route -> route.method().equals("ANY")))
                        .map(route -> new Match(route, template.match(resourcePath))))
                .orElse(null);
    }

    /** The body, or null when it exceeds the limit (read to the end, so the client sees the answer). */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        boolean tooLarge = false;
        try (InputStream in = exchange.getRequestBody()) {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                if (!tooLarge && body.size() + read > MAX_BODY_BYTES) {
                    tooLarge = true;
                    body = null;
                }
                if (!tooLarge) {
                    body.write(buffer, 0, read);
                }
            }
        }
        return tooLarge ? null : body.toByteArray();
    }

    private int sendError(HttpExchange exchange, GatewayError error, String requestId) throws IOException {
        GatewayResponses.Rendered rendered = api.gatewayResponses().render(error, requestId);
        rendered.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        return send(exchange, rendered.status(), requestId, rendered.body().getBytes(StandardCharsets.UTF_8));
    }

    private static int send(HttpExchange exchange, int status, String requestId, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        boolean noBody = body.length == 0 || "HEAD".equals(exchange.getRequestMethod()) || status == 204 || status == 304;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        return status;
    }

    /** An id shaped like API Gateway's (ten lower-case letters and digits). */
    private static String randomId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}
