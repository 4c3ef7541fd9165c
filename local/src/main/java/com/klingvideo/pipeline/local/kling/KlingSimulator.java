package com.klingvideo.pipeline.local.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.local.LoopbackServer;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * A stand-in for Kling's image-to-video API, official or gateway dialect, on 127.0.0.1: it checks
 * credentials and create bodies as Kling does, fetches the image, runs each task through
 * submitted → processing → succeed|failed on the configured clock, holds the account's concurrency
 * limit, injects {@link Faults}, and serves each finished task's video, a real H.264 MP4 made from the
 * input image, at a signed URL of its own ({@code /videos/<taskId>.mp4?sig=...&expires=...}; 403 when
 * the query is missing, altered or expired).
 *
 * <p>Not simulated: {@code callback_url} is accepted but never called (the pipeline polls). Tasks and
 * videos are kept in memory for the simulator's life.
 */
public final class KlingSimulator implements AutoCloseable {

    /** Larger bodies are refused: 10 MiB of image in base64 is about 14 MiB. */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final JsonLog LOG = JsonLog.of(KlingSimulator.class);

    private final SimulatorConfig config;
    private final Faults faults;
    private final Tally tally = new Tally();
    private final ReceivedCreates received = new ReceivedCreates();
    private final ExecutorService renderers;
    private final SimulatedKling kling;
    private final VideoLinks links;
    private final FrontEnd api;
    private LoopbackServer server;
    private boolean stopped;

    public KlingSimulator(SimulatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.faults = new Faults(config);
        this.renderers = Executors.newFixedThreadPool(config.renderThreads(), threads("kling-sim-render"));
        this.kling = new SimulatedKling(config, faults, renderers, tally);
        this.links = new VideoLinks(config.clock(), config.videoUrlTtl());
        OfficialJson json = new OfficialJson(links, this::baseUrl);
        this.api = config.dialect() == KlingDialect.OFFICIAL
                ? new OfficialApi(config, kling, faults, tally, received, json)
                : new GatewayApi(config, kling, faults, tally, received, json);
    }

    /** Binds 127.0.0.1 on the configured port (0: any free one) and starts answering. */
    public synchronized KlingSimulator start() {
        if (stopped || server != null) {
            throw new IllegalStateException("a simulator starts once");
        }
        server = LoopbackServer.start(InetAddress.getLoopbackAddress().getHostAddress(), config.port(),
                config.serverThreads(), "kling-sim-http", this::handle);
        return this;
    }

    /** Frees the port and every thread; requests being answered (stalled ones too) are cut off. */
    public synchronized void stop() {
        stopped = true;
        if (server != null) {
            server.close();
        }
        renderers.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    /** {@code http://127.0.0.1:<port>}, once started. */
    public synchronized URI baseUrl() {
        if (server == null) {
            throw new IllegalStateException("the simulator is not started");
        }
        return server.baseUri();
    }

    public SimulatorConfig config() {
        return config;
    }

    /** Failures to inject from now on. */
    public Faults faults() {
        return faults;
    }

    /**
     * Another client of the same account (a second deployment, a script) starts tasks that hold
     * {@code slots} of the account's parallel tasks for {@code duration}: creates are refused with 1303
     * when this client's tasks and those fill the limit. Counted in the peak and in active tasks.
     */
    public KlingSimulator occupySlots(int slots, Duration duration) {
        if (slots < 1 || duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("occupy at least one slot for a positive time");
        }
        kling.occupy(slots, duration);
        return this;
    }

    /** When one task of this client was created and when it ends (holds its slot until then). */
    public record TaskTimes(String taskId, String externalTaskId, Instant createdAt, Instant endsAt) {
    }

    /** Every task created so far, newest first. */
    public List<TaskTimes> taskTimes() {
        return kling.tasks().stream()
                .map(t -> new TaskTimes(t.id(), t.externalTaskId(), t.createdAt(), t.endsAt()))
                .toList();
    }

    public SimulatorCounters counters() {
        return tally.snapshot(kling.peakRunningTasks(), kling.runningTasks());
    }

    /**
     * The JSON bodies of the latest {@value ReceivedCreates#CAPACITY} authenticated create requests,
     * oldest first, base64 images shortened.
     */
    public List<JsonNode> receivedCreates() {
        return received.list();
    }

    private void handle(HttpExchange exchange) {
        try {
            Request request = read(exchange);
            Reply reply = request == null ? Reply.empty(413)
                    : request.rawPath().startsWith("/videos/") ? video(request)
                    : api.handle(request);
            write(exchange, reply);
        } catch (InterruptedException e) {
            // stopped during a stall: the client gets no answer, as from a server that went away
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } catch (RuntimeException e) {
            LOG.error("simulator_request_failed", "path", exchange.getRequestURI().getRawPath(),
                    "error", e.getClass().getSimpleName());
            try {
                write(exchange, Reply.empty(500));
            } catch (IOException ignored) {
                // the client went away
            }
        } finally {
            exchange.close();
        }
    }

    private Reply video(Request request) {
        Optional<String> taskId = VideoLinks.taskIdOf(request.rawPath());
        if (taskId.isEmpty() || !request.method().equals("GET")) {
            return Reply.notFound();
        }
        if (!links.verify(request.rawPath(), request.rawQuery())) {
            return Reply.text(403, "Forbidden");
        }
        Optional<byte[]> mp4 = kling.video(taskId.get());
        if (mp4.isEmpty()) {
            return Reply.notFound();
        }
        tally.videoDownloads.increment();
        return Reply.video(mp4.get(), config.chunkedVideo());
    }

    /** The request, or null when its body is larger than {@link #MAX_BODY_BYTES}. */
    private static Request read(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            return null;
        }
        URI uri = exchange.getRequestURI();
        return new Request(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                exchange.getRequestHeaders().getFirst("Authorization"), body);
    }

    private static void write(HttpExchange exchange, Reply reply) throws IOException {
        if (reply.body() == null || reply.body().length == 0) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), reply.chunked() ? 0 : reply.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (reply.chunked()) {
                for (int offset = 0; offset < reply.body().length; offset += CHUNK_BYTES) {
                    out.write(reply.body(), offset, Math.min(CHUNK_BYTES, reply.body().length - offset));
                    out.flush();
                }
            } else {
                out.write(reply.body());
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        return LoopbackServer.daemonThreads(prefix);
    }
}
