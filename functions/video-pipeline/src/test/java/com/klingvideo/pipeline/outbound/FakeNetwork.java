package com.klingvideo.pipeline.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DNS of made-up names and a connector that carries connections to made-up public addresses to
 * loopback ports, so the strict guard (public addresses, port 443) can be tested end to end without a
 * packet leaving this machine. Every address dialled is recorded; an address without a route fails the
 * test instead of going out.
 */
public final class FakeNetwork implements HostResolver, GuardedHttpClient.Connector {

    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> routes = new ConcurrentHashMap<>();
    private final List<InetSocketAddress> dialled = new CopyOnWriteArrayList<>();

    /** {@code name} resolves to these addresses. */
    public FakeNetwork name(String name, String... addresses) {
        names.put(name, java.util.Arrays.stream(addresses).map(FakeNetwork::address).toList());
        return this;
    }

    /** A connection to {@code address} (any port) reaches 127.0.0.1:{@code loopbackPort}. */
    public FakeNetwork route(String address, int loopbackPort) {
        routes.put(address(address), loopbackPort);
        return this;
    }

    public List<InetSocketAddress> dialled() {
        return List.copyOf(dialled);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        List<InetAddress> found = names.get(host);
        if (found == null) {
            throw new UnknownHostException(host);
        }
        return found;
    }

    @Override
    public Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException {
        dialled.add(address);
        Integer port = routes.get(address.getAddress());
        if (port == null) {
            throw new AssertionError("a test dialled " + address + ", which has no loopback route");
        }
        return GuardedHttpClient.Connector.PLAIN.connect(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
    }

    /** An address literal, parsed without a lookup. */
    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
