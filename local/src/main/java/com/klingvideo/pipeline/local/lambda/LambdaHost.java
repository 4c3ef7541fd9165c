package com.klingvideo.pipeline.local.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.config.Components;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.local.LoopbackServer;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the project's Lambda functions in this JVM and serves Lambda's Invoke API for them on a local
 * address, so that anything speaking to Lambda (the SDKs, Step Functions and S3 in moto) runs the real
 * handler classes.
 *
 * <p>{@code POST /2015-03-31/functions/{FunctionName}/invocations} answers as Lambda does:
 * <ul>
 *   <li>{@code RequestResponse} (the default): 200 with the handler's output and
 *       {@code X-Amz-Executed-Version}; when the handler throws, still 200, with
 *       {@code X-Amz-Function-Error: Unhandled} and {@code {"errorMessage", "errorType", "stackTrace"}},
 *       errorType being the exception's class name. A run past the function's timeout is the error
 *       {@code Sandbox.Timedout}.</li>
 *   <li>{@code Event}: 202 at once; the function runs in the background, and a failed run is retried up
 *       to the function's {@code maxEventRetries} times, after 1 s and then 2 s (Lambda waits about one
 *       and then two minutes). Each failure is logged as one JSON line, and an event whose retries are
 *       exhausted goes to the destination set with {@link #onRetriesExhausted}.</li>
 *   <li>{@code DryRun}: 204.</li>
 *   <li>An unknown function: 404 {@code ResourceNotFoundException}; a payload that is not JSON: 400
 *       {@code InvalidRequestContentException}.</li>
 * </ul>
 *
 * <p>Each function's handler is made on its first invocation, like a cold start, from its own
 * environment (see {@link HandlerFactory}); the process environment is never read or changed.
 */
public final class LambdaHost implements AutoCloseable {
    private static final JsonLog LOG = JsonLog.of(LambdaHost.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern INVOKE_PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations/?");
    private static final List<Duration> EVENT_RETRY_DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2));
    private static final byte[] EMPTY_EVENT = "{}".getBytes(StandardCharsets.UTF_8);
    private static final int HTTP_THREADS = 8;

    private final String host;
    private final int port;
    private final Class<?> componentsType;
    private final Function<Map<String, String>, ?> componentsFactory;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, HostedFunction> functions = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<FailedEvent> retriesExhausted = failed -> { };
    private final ExecutorService workers = Executors.newCachedThreadPool(daemons("lambda-run"));
    private final ScheduledExecutorService events = Executors.newScheduledThreadPool(4, daemons("lambda-event"));
    private LoopbackServer server;
    private boolean closed;

    /**
     * A host whose handlers get their services from {@link Components#build(Map, Clock)}.
     *
     * @param host the address to listen on, {@code 127.0.0.1} for loopback only
     * @param port the port, 0 for any free one
     */
    public LambdaHost(String host, int port) {
        this(host, port, Components.class, environment -> Components.build(environment, Clock.systemUTC()));
    }

    /**
     * @param componentsType    the composition root's type: its public getters name the services a
     *                          handler constructor may take
     * @param componentsFactory builds a composition root from one function's environment
     */
    LambdaHost(String host, int port, Class<?> componentsType, Function<Map<String, String>, ?> componentsFactory) {
        this.host = host;
        this.port = port;
        this.componentsType = componentsType;
        this.componentsFactory = componentsFactory;
    }

    /**
     * Adds a function. Its handler class is checked now; it is instantiated on the first invocation.
     *
     * @throws IllegalArgumentException when the name is taken or the handler is not a loadable Lambda handler
     */
    /**
     * Where an event goes when every attempt failed (Lambda's on-failure destination); by default it is
     * only logged.
     */
    public LambdaHost onRetriesExhausted(java.util.function.Consumer<FailedEvent> destination) {
        this.retriesExhausted = java.util.Objects.requireNonNull(destination, "destination");
        return this;
    }

    public LambdaHost register(LocalFunction function) {
        HostedFunction hosted = new HostedFunction(function, componentsType,
                () -> componentsFactory.apply(function.environment()));
        if (functions.putIfAbsent(function.name(), hosted) != null) {
            throw new IllegalArgumentException("a function named " + function.name() + " is already registered");
        }
        return this;
    }

    /** Starts serving the Invoke API. */
    public synchronized LambdaHost start() {
        if (server != null || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        server = LoopbackServer.start(host, port, HTTP_THREADS, "lambda-http", this::serve);
        return this;
    }

    /** Where the Invoke API listens, for an SDK's endpoint override ({@code http://127.0.0.1:PORT}). */
    public synchronized URI endpoint() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.baseUri();
    }

    /**
     * Invokes a function synchronously in this JVM, exactly as a {@code RequestResponse} Invoke request
     * would, without HTTP.
     *
     * @param functionNameOrArn a name, {@code name:qualifier}, or a partial or full ARN
     * @throws InvocationRejectedException when Lambda would refuse the request (unknown function,
     *                                     payload not JSON)
     */
    public InvocationResult invoke(String functionNameOrArn, byte[] payload) {
        FunctionReference reference = FunctionReference.parse(functionNameOrArn, null);
        HostedFunction function = lookup(reference);
        return run(function, reference, checkJson(payload), InvocationType.REQUEST_RESPONSE, newRequestId());
    }

    /** How many times the function has run, whatever the invocation type (each event retry counts). */
    public long invocations(String functionName) {
        return registered(functionName).invocations();
    }

    /** How many times the function has run for invocations of this type. */
    public long invocations(String functionName, InvocationType type) {
        return registered(functionName).invocations(type);
    }

    /** How many runs ended in a function error (an exception or a timeout). */
    public long errors(String functionName) {
        return registered(functionName).errors();
    }

    /** Stops serving, frees the port, and stops running functions and pending event retries. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close();
        }
        events.shutdownNow();
        workers.shutdownNow();
        try {
            events.awaitTermination(1, TimeUnit.SECONDS);
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ invocation

    private InvocationResult run(HostedFunction function, FunctionReference reference, byte[] payload,
                                 InvocationType type, String requestId) {
        LocalFunction settings = function.function();
        function.countInvocation(type);
        LocalContext context = new LocalContext(requestId, settings, reference, clock, System.out);
        long started = System.nanoTime();
        Future<byte[]> running = workers.submit(() -> function.adapter().handle(payload, context));
        InvocationResult result;
        try {
            result = new InvocationResult(running.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (ExecutionException e) {
            Throwable error = e.getCause();
            result = new InvocationResult(FunctionErrors.of(error), error.getClass().getName());
        } catch (TimeoutException e) {
            // The thread cannot be stopped, only interrupted: a handler that ignores interrupts runs on
            // unobserved, where Lambda would have frozen its sandbox.
            running.cancel(true);
            result = new InvocationResult(FunctionErrors.timedOut(requestId, settings.timeout()), FunctionErrors.TIMED_OUT);
        } catch (InterruptedException e) {
            // Only close() interrupts the host's own threads.
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + settings.name() + " ran", e);
        }
        // Lambda's REPORT line: how long the run took.
        LOG.info("lambda.report", "function", settings.name(), "requestId", requestId,
                "durationMs", (System.nanoTime() - started) / 1_000_000, "error", result.errorType());
        if (result.failed()) {
            function.countError();
            if (type == InvocationType.REQUEST_RESPONSE) {
                // Lambda writes a failed run to the function's log too; event failures are logged with
                // their retry below.
                LOG.error("lambda.invoke.failed", "function", settings.name(), "requestId", requestId,
                        "errorType", result.errorType(), "errorMessage", errorMessage(result));
            }
        }
        return result;
    }

    private void runEvent(HostedFunction function, FunctionReference reference, byte[] payload, String requestId,
                          int attempt) {
        InvocationResult result;
        try {
            result = run(function, reference, payload, InvocationType.EVENT, requestId);
        } catch (IllegalStateException | RejectedExecutionException e) {
            return; // interrupted or refused: the host is closing
        }
        if (!result.failed()) {
            return;
        }
        int retries = function.function().maxEventRetries();
        Duration delay = attempt <= retries ? EVENT_RETRY_DELAYS.get(attempt - 1) : null;
        LOG.error("lambda.event.failed", "function", function.function().name(), "requestId", requestId,
                "attempt", attempt, "maxRetries", retries, "errorType", result.errorType(),
                "errorMessage", errorMessage(result), "retryInSeconds", delay == null ? null : delay.toSeconds(),
                "outcome", delay == null ? "retries exhausted" : "retrying");
        if (delay == null) {
            try {
                retriesExhausted.accept(new FailedEvent(function.function().name(), requestId, payload, result, attempt));
            } catch (RuntimeException e) {
                LOG.error("lambda.event.destination_failed", "function", function.function().name(),
                        "requestId", requestId, "error", e.getMessage());
            }
        }
        if (delay != null) {
            try {
                events.schedule(() -> runEvent(function, reference, payload, requestId, attempt + 1),
                        delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The host is closing; Lambda would keep the event, a local run does not need to.
            }
        }
    }

    private static String errorMessage(InvocationResult result) {
        try {
            return JSON.readTree(result.payload()).path("errorMessage").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private HostedFunction lookup(FunctionReference reference) {
        HostedFunction function = functions.get(reference.name());
        if (function == null) {
            throw new InvocationRejectedException(404, "ResourceNotFoundException",
                    "Function not found: " + reference.invokedArn());
        }
        return function;
    }

    private HostedFunction registered(String functionName) {
        HostedFunction function = functions.get(functionName);
        if (function == null) {
            throw new IllegalArgumentException("no function named " + functionName + " is registered");
        }
        return function;
    }

    /** Lambda accepts only JSON; an empty payload reaches the function as {@code {}}. */
    private static byte[] checkJson(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return EMPTY_EVENT;
        }
        try {
            JSON.readTree(payload);
            return payload;
        } catch (JsonProcessingException e) {
            throw new InvocationRejectedException(400, "InvalidRequestContentException",
                    "Could not parse request body into json: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    // ------------------------------------------------------------------ HTTP

    private void serve(HttpExchange exchange) {
        String requestId = newRequestId();
        try {
            Matcher path = INVOKE_PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!path.matches() || !"POST".equals(exchange.getRequestMethod())) {
                throw new InvocationRejectedException(404, "UnknownOperationException", "Unknown operation "
                        + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
            }
            FunctionReference reference = FunctionReference.parse(
                    URLDecoder.decode(path.group(1), StandardCharsets.UTF_8),
                    queryParameter(exchange.getRequestURI().getRawQuery(), "Qualifier"));
            InvocationType type = invocationType(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"));
            byte[] body = exchange.getRequestBody().readAllBytes();
            HostedFunction function = lookup(reference);
            switch (type) {
                case DRY_RUN -> send(exchange, 204, requestId, null, null);
                case EVENT -> {
                    byte[] payload = checkJson(body);
                    try {
                        events.execute(() -> runEvent(function, reference, payload, requestId, 1));
                    } catch (RejectedExecutionException e) {
                        throw new InvocationRejectedException(503, "ServiceException", "the host is shutting down");
                    }
                    send(exchange, 202, requestId, null, null);
                }
                case REQUEST_RESPONSE -> {
                    InvocationResult result = run(function, reference, checkJson(body), type, requestId);
                    exchange.getResponseHeaders().set("X-Amz-Executed-Version", reference.executedVersion());
                    if (result.failed()) {
                        exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
                    }
                    send(exchange, 200, requestId, "application/json", result.payload());
                }
            }
        } catch (InvocationRejectedException e) {
            sendError(exchange, requestId, e.status(), e.errorType(), "User", e.getMessage());
        } catch (RuntimeException | IOException e) {
            LOG.error("lambda.host.failed", "requestId", requestId, "error", e.getClass().getName(),
                    "message", e.getMessage());
            sendError(exchange, requestId, 500, "ServiceException", "Service", "the local Lambda host failed: "
                    + e.getMessage());
        } finally {
            exchange.close();
        }
    }

    private static InvocationType invocationType(String header) {
        try {
            return InvocationType.fromHeader(header);
        } catch (IllegalArgumentException e) {
            throw new InvocationRejectedException(400, "InvalidParameterValueException", e.getMessage());
        }
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void sendError(HttpExchange exchange, String requestId, int status, String errorType, String kind,
                                  String message) {
        ObjectNode body = JSON.createObjectNode().put("Type", kind).put("message", message);
        exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        try {
            send(exchange, status, requestId, "application/json", JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            // The caller went away; nothing left to tell it.
        }
    }

    private static void send(HttpExchange exchange, int status, String requestId, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("X-Amzn-RequestId", requestId);
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        boolean empty = body == null || body.length == 0;
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            exchange.getResponseBody().write(body);
        }
    }

    private static ThreadFactory daemons(String prefix) {
        return LoopbackServer.daemonThreads(prefix);
    }
}
