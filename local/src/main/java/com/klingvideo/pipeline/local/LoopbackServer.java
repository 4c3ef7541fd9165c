package com.klingvideo.pipeline.local;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server of the local stack (Lambda host, API, Kling simulator): bound to one loopback address,
 * answered by a small pool of daemon threads, and stopped with its threads and port by {@link #close()}.
 */
public final class LoopbackServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;
    private final String host;

    private LoopbackServer(HttpServer server, ExecutorService threads, String host) {
        this.server = server;
        this.threads = threads;
        this.host = host;
    }

    /**
     * @param port    0 for any free port
     * @param threads how many requests are answered at once
     * @param name    prefix of the threads' names
     */
    public static LoopbackServer start(String host, int port, int threads, String name, HttpHandler handler) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads(name));
        server.setExecutor(pool);
        server.createContext("/", handler);
        server.start();
        return new LoopbackServer(server, pool, host);
    }

    /** Daemon threads named {@code name-1}, {@code name-2}, ...: nothing of the local stack keeps a JVM alive. */
    public static ThreadFactory daemonThreads(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://HOST:PORT}. */
    public URI baseUri() {
        return URI.create("http://" + host + ":" + port());
    }

    /** Stops answering (requests in progress are cut off) and frees the port and the threads. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
