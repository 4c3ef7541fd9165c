package com.klingvideo.pipeline.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Small handlers for the host's tests, one per behaviour of the Java runtime the host must copy. */
public final class TestHandlers {
    /** JobsApiFunction's environment with every AWS endpoint unreachable: building its services must not call AWS. */
    static final java.util.Map<String, String> UNREACHABLE_AWS_ENVIRONMENT = java.util.Map.of(
            "AWS_REGION", "us-east-1",
            "AWS_ENDPOINT_URL", "http://127.0.0.1:1",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test",
            "JOBS_TABLE", "jobs",
            "CAPACITY_TABLE", "capacity",
            "MEDIA_BUCKET", "media");

    private TestHandlers() {
    }

    /** Answers with its input and what its context says. */
    public static class Echo implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("input", input);
            out.put("functionName", context.getFunctionName());
            out.put("functionVersion", context.getFunctionVersion());
            out.put("invokedFunctionArn", context.getInvokedFunctionArn());
            out.put("awsRequestId", context.getAwsRequestId());
            out.put("remainingTimeInMillis", context.getRemainingTimeInMillis());
            out.put("memoryLimitInMB", context.getMemoryLimitInMB());
            return out;
        }
    }

    /** Always fails with a project-style exception. */
    public static class Failing implements RequestHandler<Map<String, Object>, String> {
        @Override
        public String handleRequest(Map<String, Object> input, Context context) {
            throw new TestFunctionException("kling said no to " + input.get("jobId"),
                    new IllegalStateException("upstream 503"));
        }
    }

    /** Copies its payload bytes, as a RequestStreamHandler sees them. */
    public static class RawCopy implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            input.transferTo(output);
        }
    }

    /** Runs far past any test function's timeout. */
    public static class Slow implements RequestHandler<Map<String, Object>, String> {
        @Override
        public String handleRequest(Map<String, Object> input, Context context) {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "too late";
        }
    }

    /** Fails the first {@code failures} runs of each function (counted by function name), then succeeds. */
    public static class Flaky implements RequestHandler<Map<String, Object>, String> {
        static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

        @Override
        public String handleRequest(Map<String, Object> input, Context context) {
            int run = RUNS.computeIfAbsent(context.getFunctionName(), name -> new AtomicInteger()).incrementAndGet();
            if (run <= ((Number) input.get("failures")).intValue()) {
                throw new TestFunctionException("run " + run + " fails", null);
            }
            return "succeeded on run " + run;
        }
    }

    /** The object keys of an S3 notification, through the runtime's event serialiser. */
    public static class S3Keys implements RequestHandler<S3Event, List<String>> {
        @Override
        public List<String> handleRequest(S3Event event, Context context) {
            return event.getRecords().stream()
                    .map(r -> r.getEventName() + " " + r.getS3().getBucket().getName() + "/" + r.getS3().getObject().getKey())
                    .toList();
        }
    }

    /** A handler whose input and output types are fixed by a generic superclass. */
    public abstract static class JsonFunction<I> implements RequestHandler<I, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(I input, Context context) {
            return Map.of("inputClass", input.getClass().getName(), "summary", summarise(input));
        }

        abstract Object summarise(I input);
    }

    public static class CountWords extends JsonFunction<List<String>> {
        @Override
        Object summarise(List<String> words) {
            return words.size() + " words, first " + words.get(0).length() + " letters";
        }
    }

    /** The service a fake composition root provides. */
    public record Greeter(String greeting) {
    }

    /** A composition root built from one function's environment, counting how often it is built. */
    public static final class FakeComponents {
        static final AtomicInteger BUILT = new AtomicInteger();
        private final Greeter greeter;

        public FakeComponents(Map<String, String> environment) {
            BUILT.incrementAndGet();
            this.greeter = new Greeter(environment.get("GREETING"));
        }

        public Greeter greeter() {
            return greeter;
        }
    }

    /** Written like the project's handlers: a no-arg constructor for Lambda, one taking its service. */
    public static class Greeting implements RequestHandler<Map<String, Object>, String> {
        private final Greeter greeter;

        public Greeting() {
            throw new IllegalStateException("the host must use the service constructor");
        }

        public Greeting(Greeter greeter) {
            this.greeter = greeter;
        }

        @Override
        public String handleRequest(Map<String, Object> input, Context context) {
            return greeter.greeting() + ", " + input.get("name");
        }
    }
}
