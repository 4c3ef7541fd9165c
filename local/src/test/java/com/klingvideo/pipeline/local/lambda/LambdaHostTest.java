package com.klingvideo.pipeline.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.local.RepositoryLayout;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/** The host driven through Lambda's Invoke API by the real AWS SDK client, over loopback only. */
class LambdaHostTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String PACKAGE = "com.klingvideo.pipeline.local.lambda.";

    private LambdaHost host;
    private LambdaClient lambda;

    @BeforeEach
    void startHost() {
        TestHandlers.FakeComponents.BUILT.set(0);
        TestHandlers.Flaky.RUNS.clear();
        host = new LambdaHost("127.0.0.1", 0, TestHandlers.FakeComponents.class, TestHandlers.FakeComponents::new)
                .register(function("Echo", "Echo", Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")))
                .register(function("Failing", "Failing", Map.of()))
                .register(function("RawCopy", "RawCopy", Map.of()))
                .register(function("S3Keys", "S3Keys", Map.of()))
                .register(function("CountWords", "CountWords", Map.of()))
                .register(function("HelloFunction", "Greeting", Map.of("GREETING", "Hello")))
                .register(function("BonjourFunction", "Greeting", Map.of("GREETING", "Bonjour")))
                .register(new LocalFunction("Slow", PACKAGE + "TestHandlers$Slow::handleRequest", Map.of(),
                        Duration.ofMillis(300), 0))
                .register(new LocalFunction("Flaky", PACKAGE + "TestHandlers$Flaky::handleRequest", Map.of(),
                        TIMEOUT, 1))
                .start();
        lambda = LambdaClient.builder()
                .endpointOverride(host.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterEach
    void stopHost() {
        lambda.close();
        host.close();
    }

    @Test
    void invoke_should_answer_with_the_handlers_output_when_the_function_is_called_by_name() throws IOException {
        // WHEN Echo is invoked by name
        InvokeResponse response = lambda.invoke(r -> r.functionName("Echo").payload(json("{\"jobId\":\"u-1\"}")));

        // THEN the handler got the payload and a context for this function, and Lambda's headers came back
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isNull();
        assertThat(response.executedVersion()).isEqualTo("$LATEST");
        JsonNode out = JSON.readTree(response.payload().asUtf8String());
        assertThat(out.path("input")).isEqualTo(JSON.readTree("{\"jobId\":\"u-1\"}"));
        assertThat(out.path("functionName").asText()).isEqualTo("Echo");
        assertThat(out.path("invokedFunctionArn").asText()).isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:Echo");
        assertThat(out.path("awsRequestId").asText()).isEqualTo(response.responseMetadata().requestId());
        assertThat(out.path("memoryLimitInMB").asInt()).isEqualTo(512);
        assertThat(out.path("remainingTimeInMillis").asInt()).isBetween(1, (int) TIMEOUT.toMillis());
        assertThat(host.invocations("Echo", com.klingvideo.pipeline.local.lambda.InvocationType.REQUEST_RESPONSE))
                .isEqualTo(1);
    }

    @Test
    void invoke_should_run_the_function_when_named_by_full_arn_with_an_alias() throws IOException {
        // GIVEN the ARN a state machine task holds after SAM's AutoPublishAlias
        String arn = "arn:aws:lambda:us-east-1:123456789012:function:Echo:live";

        // WHEN it is invoked
        InvokeResponse response = lambda.invoke(r -> r.functionName(arn).payload(json("{}")));

        // THEN the one local version ran, and the handler saw the ARN it was invoked by
        assertThat(response.executedVersion()).isEqualTo("$LATEST");
        JsonNode out = JSON.readTree(response.payload().asUtf8String());
        assertThat(out.path("invokedFunctionArn").asText()).isEqualTo(arn);
        assertThat(out.path("functionVersion").asText()).isEqualTo("$LATEST");
    }

    @Test
    void invoke_should_report_the_version_asked_for_when_the_qualifier_is_a_version_number() {
        InvokeResponse response = lambda.invoke(r -> r.functionName("Echo").qualifier("3").payload(json("{}")));

        assertThat(response.executedVersion()).isEqualTo("3");
    }

    @Test
    void invoke_should_find_the_function_when_the_arn_in_the_path_is_url_encoded() throws Exception {
        // GIVEN a partial ARN with a qualifier, percent-encoded as boto3 sends it
        URI uri = host.endpoint().resolve("/2015-03-31/functions/123456789012%3Afunction%3AEcho%3Alive/invocations");

        // WHEN it is posted
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());

        // THEN Echo ran with the qualifier in its ARN
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("invokedFunctionArn").asText())
                .isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:Echo:live");
    }

    @Test
    void invoke_should_report_an_unhandled_error_named_by_the_exception_class_when_the_handler_throws()
            throws IOException {
        // WHEN a handler that throws TestFunctionException is invoked
        InvokeResponse response = lambda.invoke(r -> r.functionName("Failing").payload(json("{\"jobId\":\"u-7\"}")));

        // THEN Lambda's answer: 200, FunctionError Unhandled, and the error document Step Functions matches on
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isEqualTo("Unhandled");
        JsonNode error = JSON.readTree(response.payload().asUtf8String());
        assertThat(error.path("errorType").asText()).isEqualTo(TestFunctionException.class.getName());
        assertThat(error.path("errorMessage").asText()).isEqualTo("kling said no to u-7");
        assertThat(error.path("stackTrace").get(0).asText()).startsWith(TestHandlers.Failing.class.getName()
                + ".handleRequest(TestHandlers.java:");
        assertThat(error.path("cause").path("errorType").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(host.errors("Failing")).isEqualTo(1);
    }

    @Test
    void invoke_should_return_the_exception_class_as_error_type_when_called_in_process() throws IOException {
        // WHEN the failing function is invoked without HTTP, as the local API does
        InvocationResult result = host.invoke("Failing", "{\"jobId\":\"u-8\"}".getBytes(StandardCharsets.UTF_8));

        // THEN the result names the error as the Invoke API's payload does
        assertThat(result.failed()).isTrue();
        assertThat(result.errorType()).isEqualTo(TestFunctionException.class.getName());
        assertThat(JSON.readTree(result.payload()).path("errorType").asText()).isEqualTo(result.errorType());
    }

    @Test
    void invoke_should_report_sandbox_timedout_when_the_handler_runs_past_the_timeout() throws IOException {
        // GIVEN Slow, whose timeout is 300 ms
        // WHEN it is invoked
        InvokeResponse response = lambda.invoke(r -> r.functionName("Slow").payload(json("{}")));

        // THEN the invocation ends at the timeout as Lambda reports one
        assertThat(response.functionError()).isEqualTo("Unhandled");
        JsonNode error = JSON.readTree(response.payload().asUtf8String());
        assertThat(error.path("errorType").asText()).isEqualTo("Sandbox.Timedout");
        assertThat(error.path("errorMessage").asText())
                .isEqualTo("RequestId: " + response.responseMetadata().requestId()
                        + " Error: Task timed out after 0.30 seconds");
        assertThat(host.errors("Slow")).isEqualTo(1);
    }

    @Test
    void invoke_should_answer_202_and_run_the_function_afterwards_when_the_invocation_type_is_event() {
        // WHEN Echo is invoked asynchronously
        InvokeResponse response = lambda.invoke(r -> r.functionName("Echo").invocationType(InvocationType.EVENT)
                .payload(json("{}")));

        // THEN the call is accepted at once and the function runs
        assertThat(response.statusCode()).isEqualTo(202);
        await(() -> host.invocations("Echo", com.klingvideo.pipeline.local.lambda.InvocationType.EVENT) == 1);
        assertThat(host.invocations("Echo")).isEqualTo(1);
        assertThat(host.errors("Echo")).isZero();
    }

    @Test
    void invoke_should_retry_a_failed_event_when_the_function_allows_a_retry() {
        // GIVEN Flaky (one event retry allowed), which fails its first run
        // WHEN it is invoked asynchronously
        InvokeResponse response = lambda.invoke(r -> r.functionName("Flaky").invocationType(InvocationType.EVENT)
                .payload(json("{\"failures\": 1}")));

        // THEN it ran twice: the failure, then the retry a second later, which succeeded
        assertThat(response.statusCode()).isEqualTo(202);
        await(() -> host.invocations("Flaky") == 2);
        assertThat(host.errors("Flaky")).isEqualTo(1);
    }

    @Test
    void invoke_should_stop_retrying_an_event_when_the_retries_are_used_up() throws InterruptedException {
        // GIVEN Flaky failing more often than its one retry
        lambda.invoke(r -> r.functionName("Flaky").invocationType(InvocationType.EVENT)
                .payload(json("{\"failures\": 5}")));

        // WHEN the retry has had time to run, and time for another that must not come
        await(() -> host.invocations("Flaky") == 2);
        Thread.sleep(2_500);

        // THEN the event ran once and was retried once
        assertThat(host.invocations("Flaky")).isEqualTo(2);
        assertThat(host.errors("Flaky")).isEqualTo(2);
    }

    @Test
    void invoke_should_hand_the_event_to_the_destination_when_the_retries_are_used_up() {
        // GIVEN a destination for exhausted events, and Flaky failing more often than its one retry
        java.util.List<FailedEvent> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        host.onRetriesExhausted(delivered::add);
        lambda.invoke(r -> r.functionName("Flaky").invocationType(InvocationType.EVENT)
                .payload(json("{\"failures\": 5}")));

        // WHEN both attempts failed
        await(() -> !delivered.isEmpty());

        // THEN the destination got the event as sent, with the last error and the number of attempts
        FailedEvent failed = delivered.get(0);
        assertThat(failed.functionName()).isEqualTo("Flaky");
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(new String(failed.payload(), java.nio.charset.StandardCharsets.UTF_8)).contains("failures");
        assertThat(failed.result().failed()).isTrue();
    }

    @Test
    void invoke_should_answer_204_without_running_the_function_when_the_invocation_type_is_dry_run() {
        InvokeResponse response = lambda.invoke(r -> r.functionName("Echo").invocationType(InvocationType.DRY_RUN));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(host.invocations("Echo")).isZero();
    }

    @Test
    void invoke_should_throw_resource_not_found_when_no_such_function_is_registered() {
        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("Nope").payload(json("{}"))))
                .isInstanceOf(ResourceNotFoundException.class)
                .satisfies(e -> assertThat(((ResourceNotFoundException) e).statusCode()).isEqualTo(404))
                .hasMessageContaining("Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope");
    }

    @Test
    void invoke_should_reject_the_request_when_the_payload_is_not_json() {
        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("Echo").payload(SdkBytes.fromUtf8String("{oops"))))
                .isInstanceOf(InvalidRequestContentException.class)
                .satisfies(e -> assertThat(((InvalidRequestContentException) e).statusCode()).isEqualTo(400));
        assertThat(host.invocations("Echo")).isZero();
    }

    @Test
    void invoke_should_hand_a_stream_handler_the_payload_bytes_as_sent() {
        String payload = "{ \"spacing\" :  \"kept\" }";

        InvokeResponse response = lambda.invoke(r -> r.functionName("RawCopy").payload(json(payload)));

        assertThat(response.payload().asUtf8String()).isEqualTo(payload);
    }

    @Test
    void invoke_should_deserialise_an_s3_event_with_the_runtimes_event_serialiser_when_given_real_event_json()
            throws IOException {
        // GIVEN the repository's sample S3 notification
        byte[] event = Files.readAllBytes(RepositoryLayout.locate().resolve("events/s3-put.json"));

        // WHEN a RequestHandler<S3Event, List<String>> gets it
        InvokeResponse response = lambda.invoke(r -> r.functionName("S3Keys").payload(SdkBytes.fromByteArray(event)));

        // THEN the event arrived field by field (the key still URL-encoded, as S3 sends it) and the list came back as JSON
        assertThat(JSON.readTree(response.payload().asUtf8String())).isEqualTo(JSON.readTree(
                "[\"ObjectCreated:Put kling-video-media-example/inputs/red+kettle+%281%29.jpg\"]"));
    }

    @Test
    void invoke_should_deserialise_the_input_type_fixed_by_a_generic_superclass() throws IOException {
        InvokeResponse response = lambda.invoke(r -> r.functionName("CountWords").payload(json("[\"kettle\", \"turns\"]")));

        JsonNode out = JSON.readTree(response.payload().asUtf8String());
        assertThat(out.path("summary").asText()).isEqualTo("2 words, first 6 letters");
        assertThat(out.path("inputClass").asText()).startsWith("java.util.");
    }

    @Test
    void invoke_should_build_each_functions_services_once_from_its_own_environment() {
        // GIVEN two functions with the same handler class and different environments
        // WHEN each is invoked twice
        List<String> answers = List.of(
                invokeText("HelloFunction", "{\"name\":\"Ada\"}"),
                invokeText("BonjourFunction", "{\"name\":\"Ada\"}"),
                invokeText("HelloFunction", "{\"name\":\"Bob\"}"),
                invokeText("BonjourFunction", "{\"name\":\"Bob\"}"));

        // THEN each answered from its own environment, and each composition root was built once
        assertThat(answers).containsExactly("\"Hello, Ada\"", "\"Bonjour, Ada\"", "\"Hello, Bob\"", "\"Bonjour, Bob\"");
        assertThat(TestHandlers.FakeComponents.BUILT.get()).isEqualTo(2);
    }

    @Test
    void register_should_not_build_any_services_until_the_first_invocation() {
        // GIVEN the host started with functions registered (in startHost), none invoked
        // THEN no composition root exists yet: a cold start happens on the first invocation
        assertThat(TestHandlers.FakeComponents.BUILT.get()).isZero();
    }

    @Test
    void register_should_refuse_a_handler_class_that_is_not_on_the_classpath() {
        LocalFunction missing = new LocalFunction("Missing", "com.example.NoSuchHandler::handleRequest", Map.of(),
                TIMEOUT, 0);

        assertThatThrownBy(() -> host.register(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("com.example.NoSuchHandler is not on the classpath");
    }

    @Test
    void invoke_should_run_the_real_api_handler_with_services_from_its_own_environment() throws IOException {
        // GIVEN a host as the local stack makes it, with JobsApiFunction's environment pointing AWS at
        // an unreachable address, and an API Gateway event for a route the handler does not serve
        Map<String, String> environment = TestHandlers.UNREACHABLE_AWS_ENVIRONMENT;
        String event = "{\"resource\":\"/nothing\",\"path\":\"/nothing\",\"httpMethod\":\"GET\","
                + "\"requestContext\":{\"requestId\":\"r-1\"}}";
        try (LambdaHost real = new LambdaHost("127.0.0.1", 0)) {
            real.register(new LocalFunction("JobsApiFunction",
                    "com.klingvideo.pipeline.entrypoints.JobsApiHandler::handleRequest", environment, TIMEOUT, 0));

            // WHEN it is invoked in-process
            InvocationResult result = real.invoke("JobsApiFunction", event.getBytes(StandardCharsets.UTF_8));

            // THEN the real handler ran (built through Components from that environment, without a
            // call to AWS) and its APIGatewayProxyResponseEvent came back serialised as Lambda does
            assertThat(result.errorType()).isNull();
            JsonNode response = JSON.readTree(result.payload());
            assertThat(response.path("statusCode").asInt()).isEqualTo(404);
            assertThat(JSON.readTree(response.path("body").asText()).path("error").path("code").asText())
                    .isEqualTo("NOT_FOUND");
        }
    }

    @Test
    void close_should_free_the_port() throws IOException {
        // GIVEN a started host on some port
        int port = host.endpoint().getPort();

        // WHEN it is closed
        host.close();

        // THEN the port can be bound again at once
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    private String invokeText(String function, String payload) {
        return lambda.invoke(r -> r.functionName(function).payload(json(payload))).payload().asUtf8String();
    }

    private static LocalFunction function(String name, String handlerClass, Map<String, String> environment) {
        return new LocalFunction(name, PACKAGE + "TestHandlers$" + handlerClass + "::handleRequest",
                new HashMap<>(environment), TIMEOUT, 2);
    }

    private static SdkBytes json(String text) {
        return SdkBytes.fromUtf8String(text);
    }

    private static void await(BooleanSupplier condition) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
