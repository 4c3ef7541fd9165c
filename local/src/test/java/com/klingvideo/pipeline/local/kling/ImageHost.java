package com.klingvideo.pipeline.local.kling;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback stand-in for S3 presigned GET URLs: each image is served only when the query string
 * arrives exactly as issued (its signature has a percent-encoded slash), 403 otherwise, 404 for an
 * unknown path.
 */
final class ImageHost implements AutoCloseable {

    private static final String QUERY = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20260101%2Fus-east-1"
            + "&X-Amz-Signature=0f1e2d3c4b5a";

    private final HttpServer server;
    private final Map<String, byte[]> images = new ConcurrentHashMap<>();

    ImageHost() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    /** The presigned-style URL of these bytes. */
    String put(String name, byte[] bytes) {
        images.put("/inputs/" + name, bytes);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/inputs/" + name + "?" + QUERY;
    }

    /** A presigned-style URL of this host under which there is no image (404). */
    String urlOfNothing() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/inputs/nothing.jpg?" + QUERY;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] image = images.get(exchange.getRequestURI().getRawPath());
            int status = image == null ? 404 : QUERY.equals(exchange.getRequestURI().getRawQuery()) ? 200 : 403;
            if (status != 200) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
            exchange.sendResponseHeaders(200, image.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(image);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
