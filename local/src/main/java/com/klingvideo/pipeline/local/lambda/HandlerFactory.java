package com.klingvideo.pipeline.local.lambda;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Makes a handler instance the way this project's handlers are written: each has a public no-arg
 * constructor for Lambda (which reads the process environment) and a public constructor taking the
 * one service it adapts. The host uses the second, passing the service from a composition root built
 * from the function's own environment, so several functions share one JVM without sharing settings.
 *
 * <p>The rule is generic, with no list of handler classes: the public constructor whose only parameter
 * has the type returned by one of the composition root's public no-arg getters. Only a class without
 * such a constructor falls back to its public no-arg constructor.
 */
final class HandlerFactory {
    /** Overridable Object methods, which a record or class may redeclare: never service getters. */
    private static final Set<String> OBJECT_METHODS = Set.of("toString", "hashCode", "clone");

    private HandlerFactory() {
    }

    /**
     * @param handlerClass   the handler to make
     * @param componentsType the composition root's type, whose getters name the injectable services
     * @param components     builds the composition root; called only when a service is needed
     * @throws IllegalStateException when the class has neither kind of constructor, or more than one
     *                               service constructor
     * @throws Exception             what the constructor, getter or composition root threw
     */
    static Object instantiate(Class<?> handlerClass, Class<?> componentsType, Supplier<?> components) throws Exception {
        Map<Class<?>, Method> getters = getters(componentsType);
        List<Constructor<?>> serviceConstructors = new ArrayList<>();
        for (Constructor<?> constructor : handlerClass.getConstructors()) {
            if (constructor.getParameterCount() == 1 && getters.containsKey(constructor.getParameterTypes()[0])) {
                serviceConstructors.add(constructor);
            }
        }
        try {
            if (serviceConstructors.size() > 1) {
                throw new IllegalStateException(handlerClass.getName() + " has several constructors taking a service of "
                        + componentsType.getSimpleName() + ": " + serviceConstructors);
            }
            if (serviceConstructors.size() == 1) {
                Constructor<?> constructor = serviceConstructors.get(0);
                Object service = getters.get(constructor.getParameterTypes()[0]).invoke(components.get());
                return constructor.newInstance(service);
            }
            Constructor<?> noArg = Arrays.stream(handlerClass.getConstructors())
                    .filter(c -> c.getParameterCount() == 0)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(handlerClass.getName()
                            + " has no public constructor taking a service of " + componentsType.getSimpleName()
                            + " and no public no-arg constructor"));
            return noArg.newInstance();
        } catch (InvocationTargetException e) {
            // Report what the constructor or getter threw, as Lambda reports an init failure.
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Public no-arg instance getters by return type (a type returned twice is ambiguous and left out). */
    private static Map<Class<?>, Method> getters(Class<?> componentsType) {
        Map<Class<?>, Method> getters = new HashMap<>();
        List<Class<?>> ambiguous = new ArrayList<>();
        for (Method method : componentsType.getMethods()) {
            if (method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())
                    && method.getDeclaringClass() != Object.class && !OBJECT_METHODS.contains(method.getName())
                    && method.getReturnType() != void.class && !method.getReturnType().isPrimitive()) {
                if (getters.putIfAbsent(method.getReturnType(), method) != null) {
                    ambiguous.add(method.getReturnType());
                }
            }
        }
        ambiguous.forEach(getters::remove);
        return getters;
    }
}
