package com.klingvideo.pipeline.outbound;

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

/** A JDK HTTP(S) server on 127.0.0.1 and a free port that records the raw request URIs (and Host headers) it gets. */
public final class LoopbackHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<URI> requestUris = new CopyOnWriteArrayList<>();
    private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private final String scheme;

    private LoopbackHttpServer(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.setExecutor(executor);
        server.start();
    }

    public static LoopbackHttpServer http() {
        try {
            return new LoopbackHttpServer(HttpServer.create(loopback(), 0), "http");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LoopbackHttpServer https(SSLContext tls) {
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
    public LoopbackHttpServer on(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            requestUris.add(exchange.getRequestURI());
            hostHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Host")));
            try (exchange) {
                handler.handle(exchange);
            }
        });
        return this;
    }

    /** The URI of {@code pathAndQuery} on this server, as text, for example {@code /a?b=c}. */
    public URI uri(String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The Host header of each request, in order. */
    public List<String> hostHeaders() {
        return List.copyOf(hostHeaders);
    }

    public List<URI> requestUris() {
        return List.copyOf(requestUris);
    }

    /** Answers with a body and its Content-Length. */
    public static void sendFixedLength(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Answers with chunked transfer encoding, so there is no Content-Length. */
    public static void sendChunked(HttpExchange exchange, int status, byte[] body) throws IOException {
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
