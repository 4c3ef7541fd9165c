package com.klingvideo.pipeline.kling;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback stand-in for Kling or a gateway: answers with scripted replies in order and records every
 * request exactly as it arrived. An unscripted request gets HTTP 418 so the test fails visibly.
 */
final class KlingStubServer implements AutoCloseable {

    /** One request as received: raw path and query, headers (names lower-cased), body. */
    record RecordedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, String body) {

        /** The single value of a header, or null. */
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase());
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String bearer() {
            String authorization = header("Authorization");
            return authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        }
    }

    private record Reply(int status, String body, Duration delay, Runnable onServe) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    private KlingStubServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static KlingStubServer start() {
        try {
            return new KlingStubServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Kling stub on loopback", e);
        }
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    KlingStubServer reply(int status, String body) {
        replies.add(new Reply(status, body, Duration.ZERO, null));
        return this;
    }

    /** Replies after sleeping, to outlast a client's read timeout. */
    KlingStubServer replyAfter(Duration delay, int status, String body) {
        replies.add(new Reply(status, body, delay, null));
        return this;
    }

    /** Replies and runs {@code onServe} first, for example to let time pass during the call. */
    KlingStubServer reply(int status, String body, Runnable onServe) {
        replies.add(new Reply(status, body, Duration.ZERO, onServe));
        return this;
    }

    List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    RecordedRequest onlyRequest() {
        if (requests.size() != 1) {
            throw new AssertionError("expected exactly one request to the stub, got " + requests.size());
        }
        return requests.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), new ArrayList<>(values)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), headers, body));

            Reply reply = replies.poll();
            if (reply == null) {
                reply = new Reply(418, "{\"stub\":\"no reply scripted for this request\"}", Duration.ZERO, null);
            }
            if (reply.onServe() != null) {
                reply.onServe().run();
            }
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay().toMillis());
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
