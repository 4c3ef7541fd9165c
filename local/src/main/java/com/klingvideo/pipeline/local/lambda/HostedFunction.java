package com.klingvideo.pipeline.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One registered function: its handler class (checked when registered), its handler instance (made on
 * the first invocation, like a cold start, then reused) and its invocation counts.
 */
final class HostedFunction {
    private final LocalFunction function;
    private final Class<?> handlerClass;
    private final Callable<Object> newHandler;
    private final Map<InvocationType, AtomicLong> invocations = new EnumMap<>(InvocationType.class);
    private final AtomicLong errors = new AtomicLong();
    private volatile HandlerAdapter adapter;

    /**
     * @param components builds the composition root from the function's environment, for handlers that
     *                   take one of its services
     * @throws IllegalArgumentException when the handler class is missing or is not a Lambda handler
     */
    HostedFunction(LocalFunction function, Class<?> componentsType, Supplier<?> components) {
        this.function = function;
        this.handlerClass = load(function);
        this.newHandler = () -> HandlerFactory.instantiate(handlerClass, componentsType, components);
        for (InvocationType type : InvocationType.values()) {
            invocations.put(type, new AtomicLong());
        }
    }

    LocalFunction function() {
        return function;
    }

    /**
     * The handler, made on first use. A failed construction is not remembered: the next invocation
     * tries again, as Lambda retries a failed init on the next request.
     */
    HandlerAdapter adapter() throws Exception {
        HandlerAdapter local = adapter;
        if (local == null) {
            synchronized (this) {
                local = adapter;
                if (local == null) {
                    local = HandlerAdapter.of(newHandler.call());
                    adapter = local;
                }
            }
        }
        return local;
    }

    void countInvocation(InvocationType type) {
        invocations.get(type).incrementAndGet();
    }

    void countError() {
        errors.incrementAndGet();
    }

    long invocations(InvocationType type) {
        return invocations.get(type).get();
    }

    long invocations() {
        return invocations.values().stream().mapToLong(AtomicLong::get).sum();
    }

    long errors() {
        return errors.get();
    }

    /** Loads without initialising: static initialisers run at the first invocation, as in Lambda. */
    private static Class<?> load(LocalFunction function) {
        String method = function.handlerMethod();
        if (method != null && !method.equals("handleRequest")) {
            throw new IllegalArgumentException(function.name() + ": handler method must be handleRequest (the host "
                    + "runs RequestHandler and RequestStreamHandler implementations), not " + method);
        }
        Class<?> type;
        try {
            type = Class.forName(function.handlerClass(), false, HostedFunction.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(function.name() + ": handler class " + function.handlerClass()
                    + " is not on the classpath", e);
        }
        if (!RequestHandler.class.isAssignableFrom(type) && !RequestStreamHandler.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(function.name() + ": " + type.getName()
                    + " implements neither RequestHandler nor RequestStreamHandler");
        }
        return type;
    }
}
