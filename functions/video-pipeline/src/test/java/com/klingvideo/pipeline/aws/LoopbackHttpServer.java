package com.klingvideo.pipeline.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/** A JDK HTTP(S) server on 127.0.0.1 and a free port that records the raw request URIs it gets. */
final class LoopbackHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<URI> requestUris = new CopyOnWriteArrayList<>();
    private final String scheme;

    private LoopbackHttpServer(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.setExecutor(executor);
        server.start();
    }

    static LoopbackHttpServer http() {
        try {
            return new LoopbackHttpServer(HttpServer.create(loopback(), 0), "http");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LoopbackHttpServer https(SSLContext tls) {
        try {
            HttpsServer server = HttpsServer.create(loopback(), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new LoopbackHttpServer(server, "https");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** Serves {@code path} (and below) with {@code handler}, recording each request's raw URI. */
    LoopbackHttpServer on(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            requestUris.add(exchange.getRequestURI());
            try (exchange) {
                handler.handle(exchange);
            }
        });
        return this;
    }

    /** The URI of {@code pathAndQuery} on this server, as text, for example {@code /a?b=c}. */
    URI uri(String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    List<URI> requestUris() {
        return List.copyOf(requestUris);
    }

    /** Answers with a body and its Content-Length. */
    static void sendFixedLength(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Answers with chunked transfer encoding, so there is no Content-Length. */
    static void sendChunked(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int offset = 0; offset < body.length; offset += 700) {
                out.write(body, offset, Math.min(700, body.length - offset));
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
