package com.klingvideo.pipeline.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls a handler instance with a JSON payload the way the Java Lambda runtime does. A
 * {@link RequestStreamHandler} gets the payload bytes as they came. A {@link RequestHandler} gets its
 * input type deserialised and its output serialised: types from
 * {@code com.amazonaws.services.lambda.runtime.events} ({@code S3Event},
 * {@code APIGatewayProxyRequestEvent}...) with the runtime's event serialisers, which know the events'
 * field names; anything else with the runtime's own Jackson configuration.
 */
final class HandlerAdapter {
    private static final byte[] NULL = "null".getBytes(StandardCharsets.UTF_8);

    private final Call call;

    private HandlerAdapter(Call call) {
        this.call = call;
    }

    /** @throws IllegalArgumentException when the object is neither kind of handler */
    static HandlerAdapter of(Object handler) {
        if (handler instanceof RequestStreamHandler stream) {
            return new HandlerAdapter((payload, context) -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                stream.handleRequest(new ByteArrayInputStream(payload), out, context);
                return out.toByteArray();
            });
        }
        if (handler instanceof RequestHandler<?, ?>) {
            Type[] types = typeArguments(handler.getClass(), RequestHandler.class);
            ClassLoader loader = handler.getClass().getClassLoader();
            Codec input = codec(types[0], loader);
            Codec output = codec(types[1], loader);
            @SuppressWarnings("unchecked")
            RequestHandler<Object, Object> typed = (RequestHandler<Object, Object>) handler;
            return new HandlerAdapter((payload, context) ->
                    output.write(typed.handleRequest(input.read(payload), context)));
        }
        throw new IllegalArgumentException(handler.getClass().getName()
                + " implements neither RequestHandler nor RequestStreamHandler");
    }

    byte[] handle(byte[] payload, Context context) throws Exception {
        return call.handle(payload, context);
    }

    /**
     * The actual type arguments of {@code generic} as {@code type} implements it, followed through
     * superclasses and superinterfaces; an argument left open (a raw implementation, an unbound type
     * variable) is {@code Object}.
     */
    static Type[] typeArguments(Class<?> type, Class<?> generic) {
        Type[] found = find(type, generic, Map.of());
        if (found == null) {
            throw new IllegalArgumentException(type.getName() + " does not implement " + generic.getName());
        }
        return found;
    }

    private static Type[] find(Class<?> type, Class<?> generic, Map<TypeVariable<?>, Type> bindings) {
        List<Type> supertypes = new ArrayList<>(List.of(type.getGenericInterfaces()));
        if (type.getGenericSuperclass() != null) {
            supertypes.add(type.getGenericSuperclass());
        }
        for (Type supertype : supertypes) {
            Class<?> raw;
            Map<TypeVariable<?>, Type> next = new HashMap<>();
            if (supertype instanceof ParameterizedType parameterized) {
                raw = (Class<?>) parameterized.getRawType();
                TypeVariable<?>[] variables = raw.getTypeParameters();
                Type[] arguments = parameterized.getActualTypeArguments();
                for (int i = 0; i < variables.length; i++) {
                    Type argument = arguments[i];
                    next.put(variables[i], argument instanceof TypeVariable<?> v ? bindings.getOrDefault(v, Object.class)
                            : argument);
                }
            } else if (supertype instanceof Class<?> c) {
                raw = c;
            } else {
                continue;
            }
            if (raw == generic) {
                TypeVariable<?>[] variables = generic.getTypeParameters();
                Type[] arguments = new Type[variables.length];
                for (int i = 0; i < variables.length; i++) {
                    arguments[i] = next.getOrDefault(variables[i], Object.class);
                }
                return arguments;
            }
            Type[] found = find(raw, generic, next);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Codec codec(Type type, ClassLoader loader) {
        Class<?> raw = rawClass(type);
        if (raw == Void.class || raw == void.class) {
            return new Codec() {
                @Override
                public Object read(byte[] payload) {
                    return null;
                }

                @Override
                public byte[] write(Object value) {
                    return NULL;
                }
            };
        }
        @SuppressWarnings("unchecked")
        PojoSerializer<Object> serializer = LambdaEventSerializers.isLambdaSupportedEvent(raw.getName())
                ? (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(raw, loader)
                : JacksonFactory.getInstance().getSerializer(type);
        return new Codec() {
            @Override
            public Object read(byte[] payload) {
                return serializer.fromJson(new ByteArrayInputStream(payload));
            }

            @Override
            public byte[] write(Object value) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                serializer.toJson(value, out);
                return out.toByteArray();
            }
        };
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof GenericArrayType) {
            return Object[].class;
        }
        return Object.class;
    }

    @FunctionalInterface
    private interface Call {
        byte[] handle(byte[] payload, Context context) throws Exception;
    }

    private interface Codec {
        Object read(byte[] payload);

        byte[] write(Object value);
    }
}
