package com.klingvideo.pipeline.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.klingvideo.pipeline.config.Components;
import com.klingvideo.pipeline.entrypoints.JobsApiHandler;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class HandlerFactoryTest {
    private static final Supplier<Object> NEVER = () -> {
        throw new AssertionError("the composition root must not be built");
    };

    @Test
    void instantiate_should_use_the_service_constructor_when_the_components_provide_its_type() throws Exception {
        // GIVEN a handler with a no-arg constructor (which throws) and one taking the Greeter service
        // WHEN it is made with a composition root that provides a Greeter
        Object handler = HandlerFactory.instantiate(TestHandlers.Greeting.class, TestHandlers.FakeComponents.class,
                () -> new TestHandlers.FakeComponents(Map.of("GREETING", "Hello")));

        // THEN the service constructor got the root's Greeter
        assertThat(((TestHandlers.Greeting) handler).handleRequest(Map.of("name", "Ada"), null)).isEqualTo("Hello, Ada");
    }

    @Test
    void instantiate_should_use_the_no_arg_constructor_without_building_components_when_no_constructor_takes_a_service()
            throws Exception {
        // GIVEN a handler with only a no-arg constructor
        // WHEN it is made
        Object handler = HandlerFactory.instantiate(TestHandlers.Echo.class, TestHandlers.FakeComponents.class, NEVER);

        // THEN it is made without the composition root (NEVER would have thrown)
        assertThat(handler).isInstanceOf(TestHandlers.Echo.class);
    }

    @Test
    void instantiate_should_refuse_a_handler_when_it_has_neither_kind_of_constructor() {
        assertThatThrownBy(() -> HandlerFactory.instantiate(NamedHandler.class, TestHandlers.FakeComponents.class, NEVER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(NamedHandler.class.getName())
                .hasMessageContaining("no public no-arg constructor");
    }

    @Test
    void instantiate_should_throw_what_the_constructor_threw_when_construction_fails() {
        // GIVEN a composition root without a Greeter, so Greeting falls back to its throwing no-arg constructor
        // WHEN it is made
        // THEN the constructor's own exception comes out, not a reflection wrapper
        assertThatThrownBy(() -> HandlerFactory.instantiate(TestHandlers.Greeting.class, Object.class, NEVER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the host must use the service constructor");
    }

    @Test
    void instantiate_should_give_the_real_api_handler_its_service_without_calling_aws_when_built_from_an_environment()
            throws Exception {
        // GIVEN the environment JobsApiFunction gets, with every AWS endpoint unreachable
        Map<String, String> environment = TestHandlers.UNREACHABLE_AWS_ENVIRONMENT;

        // WHEN the real handler class is made the way the host makes it
        Object handler = HandlerFactory.instantiate(JobsApiHandler.class, Components.class,
                () -> Components.build(environment, Clock.systemUTC()));

        // THEN it was made through ApiJobs (its no-arg constructor would have read the process
        // environment, which has no MEDIA_BUCKET) and nothing reached the unreachable endpoint
        assertThat(handler).isInstanceOf(JobsApiHandler.class);
    }

    /** Has only a constructor taking something no composition root provides. */
    public static class NamedHandler implements RequestHandler<Map<String, Object>, String> {
        private final String name;

        public NamedHandler(String name) {
            this.name = name;
        }

        @Override
        public String handleRequest(Map<String, Object> input, Context context) {
            return name;
        }
    }
}
