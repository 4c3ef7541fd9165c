package com.klingvideo.pipeline.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.local.lambda.LambdaHost;
import com.klingvideo.pipeline.local.lambda.LocalFunction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The local API over loopback, with real HTTP requests and small functions in a local Lambda host. */
class LocalApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "local-key-value";
    private static final String KEY_ID = "localkeyid1";

    private final HttpClient http = HttpClient.newHttpClient();
    private LambdaHost functions;
    private LocalApi api;

    @BeforeEach
    void start() {
        functions = new LambdaHost("127.0.0.1", 0)
                .register(function("RawEventFunction", "RawEvent"))
                .register(function("EchoFunction", "EventEcho"))
                .register(function("BinaryFunction", "BinaryAnswer"))
                .register(function("BrokenFunction", "Broken"))
                .register(function("OddFunction", "NotAProxyResponse"));
        RestApi restApi = new RestApi("v1", true, List.of(
                new ApiRoute("get", "/items/{itemId}", "RawEventFunction"),
                new ApiRoute("post", "/items", "EchoFunction"),
                new ApiRoute("get", "/items/special", "BinaryFunction"),
                new ApiRoute("any", "/files/{proxy+}", "EchoFunction"),
                new ApiRoute("get", "/boom", "BrokenFunction"),
                new ApiRoute("get", "/odd", "OddFunction"),
                new ApiRoute("get", "/ghost", "GhostFunction")), GatewayResponses.none());
        api = new LocalApi(functions, restApi, Map.of(KEY, KEY_ID), "127.0.0.1", 0).start();
    }

    @AfterEach
    void stop() {
        api.close();
        functions.close();
    }

    @Test
    void request_should_reach_the_function_as_the_event_api_gateway_sends_when_the_route_has_a_path_parameter()
            throws Exception {
        // WHEN a GET with a path parameter, a query string and a repeated header is sent with the API key
        HttpResponse<String> response = http.send(request("/items/red%20kettle?color=red&size=5&size=7")
                .header("X-Tag", "a").header("X-Tag", "b").header("User-Agent", "local-test/1.0").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        // THEN the function saw the event API Gateway builds
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode event = JSON.readTree(response.body());
        assertThat(event.path("resource").asText()).isEqualTo("/items/{itemId}");
        assertThat(event.path("path").asText()).isEqualTo("/items/red%20kettle");
        assertThat(event.path("httpMethod").asText()).isEqualTo("GET");
        assertThat(event.path("pathParameters")).isEqualTo(JSON.readTree("{\"itemId\": \"red kettle\"}"));
        assertThat(event.path("queryStringParameters")).isEqualTo(JSON.readTree("{\"color\": \"red\", \"size\": \"7\"}"));
        assertThat(event.path("multiValueQueryStringParameters"))
                .isEqualTo(JSON.readTree("{\"color\": [\"red\"], \"size\": [\"5\", \"7\"]}"));
        assertThat(header(event.path("headers"), "x-tag").asText()).isEqualTo("b");
        assertThat(header(event.path("multiValueHeaders"), "x-tag")).isEqualTo(JSON.readTree("[\"a\", \"b\"]"));
        assertThat(header(event.path("headers"), "x-api-key").asText()).isEqualTo(KEY);
        assertThat(event.path("stageVariables").isNull()).isTrue();
        assertThat(event.path("body").isNull()).isTrue();
        assertThat(event.path("isBase64Encoded").asBoolean()).isFalse();
        JsonNode context = event.path("requestContext");
        assertThat(context.path("resourcePath").asText()).isEqualTo("/items/{itemId}");
        assertThat(context.path("httpMethod").asText()).isEqualTo("GET");
        assertThat(context.path("path").asText()).isEqualTo("/v1/items/red%20kettle");
        assertThat(context.path("stage").asText()).isEqualTo("v1");
        assertThat(context.path("accountId").asText()).isEqualTo("123456789012");
        assertThat(context.path("apiId").asText()).matches("[a-z0-9]{10}");
        assertThat(context.path("requestId").asText()).isEqualTo(response.headers().firstValue("x-amzn-RequestId").orElseThrow());
        assertThat(context.path("requestTimeEpoch").asLong()).isPositive();
        assertThat(context.path("identity").path("apiKey").asText()).isEqualTo(KEY);
        assertThat(context.path("identity").path("apiKeyId").asText()).isEqualTo(KEY_ID);
        assertThat(context.path("identity").path("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(context.path("identity").path("userAgent").asText()).isEqualTo("local-test/1.0");
    }

    @Test
    void response_should_carry_the_functions_status_and_merged_headers() throws Exception {
        HttpResponse<String> response = http.send(request("/items/1").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("X-Handler")).contains("RawEvent");
        assertThat(response.headers().allValues("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void request_should_pass_null_query_and_path_parameters_and_a_text_body_when_the_body_is_json() throws Exception {
        // WHEN a JSON body is posted without query string to a function taking APIGatewayProxyRequestEvent
        HttpResponse<String> response = http.send(request("/items").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"héllo\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        // THEN the event class read every field it has from the event
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode event = JSON.readTree(response.body());
        assertThat(event.path("resource").asText()).isEqualTo("/items");
        assertThat(event.path("path").asText()).isEqualTo("/items");
        assertThat(event.path("httpMethod").asText()).isEqualTo("POST");
        assertThat(header(event.path("headers"), "content-type").asText()).isEqualTo("application/json");
        assertThat(header(event.path("multiValueHeaders"), "x-api-key")).isEqualTo(JSON.readTree("[\"" + KEY + "\"]"));
        assertThat(event.path("requestContext").path("path").asText()).isEqualTo("/v1/items");
        assertThat(event.path("requestContext").path("stage").asText()).isEqualTo("v1");
        assertThat(event.path("requestContext").path("apiKey").asText()).isEqualTo(KEY);
        assertThat(event.path("requestContext").path("requestTimeEpoch").asLong()).isPositive();
        assertThat(event.path("pathParameters").isNull()).isTrue();
        assertThat(event.path("queryStringParameters").isNull()).isTrue();
        assertThat(event.path("multiValueQueryStringParameters").isNull()).isTrue();
        assertThat(event.path("body").asText()).isEqualTo("{\"prompt\":\"héllo\"}");
        assertThat(event.path("isBase64Encoded").asBoolean()).isFalse();
    }

    @Test
    void request_should_base64_encode_the_body_when_the_content_type_is_binary() throws Exception {
        // GIVEN bytes that are not valid UTF-8
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16};

        // WHEN they are posted as image/jpeg
        HttpResponse<String> response = http.send(request("/items").header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(), HttpResponse.BodyHandlers.ofString());

        // THEN the function gets them base64-encoded, flagged as such
        JsonNode event = JSON.readTree(response.body());
        assertThat(event.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(event.path("body").asText())).isEqualTo(jpeg);
    }

    @Test
    void response_should_decode_a_base64_body_and_prefer_a_literal_resource_over_a_parameter() throws Exception {
        // WHEN /items/special is requested (both /items/special and /items/{itemId} match)
        HttpResponse<byte[]> response = http.send(request("/items/special").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        // THEN the literal resource's function answered, its base64 body sent as bytes
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(response.body()).isEqualTo(ApiTestHandlers.BinaryAnswer.BYTES);
    }

    @Test
    void request_should_match_a_greedy_parameter_for_any_method() throws Exception {
        HttpResponse<String> response = http.send(request("/files/a/b%2Bc/d.txt")
                .method("PUT", HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        JsonNode event = JSON.readTree(response.body());
        assertThat(event.path("resource").asText()).isEqualTo("/files/{proxy+}");
        assertThat(event.path("httpMethod").asText()).isEqualTo("PUT");
        assertThat(event.path("pathParameters").path("proxy").asText()).isEqualTo("a/b+c/d.txt");
    }

    @Test
    void request_should_be_forbidden_without_invoking_the_function_when_the_api_key_is_missing() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/items/1")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"message\":\"Forbidden\"}"));
        assertThat(functions.invocations("EchoFunction")).isZero();
    }

    @Test
    void request_should_be_forbidden_without_invoking_the_function_when_the_api_key_is_unknown() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/items/1")).header("x-api-key", "guess")
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"message\":\"Forbidden\"}"));
        assertThat(functions.invocations("EchoFunction")).isZero();
    }

    @Test
    void request_should_answer_missing_authentication_token_when_no_route_matches() throws Exception {
        // GIVEN an unknown path, a known path with a method it lacks, and a path outside the stage
        List<HttpRequest> unrouted = List.of(
                request("/nothing").GET().build(),
                request("/items").DELETE().build(),
                HttpRequest.newBuilder(api.endpoint().resolve("/prod/items/1")).header("x-api-key", KEY).GET().build());

        for (HttpRequest request : unrouted) {
            // WHEN each is sent
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

            // THEN API Gateway's answer for an unknown route, whatever the key
            assertThat(response.statusCode()).as(request.uri().toString()).isEqualTo(403);
            assertThat(JSON.readTree(response.body()))
                    .isEqualTo(JSON.readTree("{\"message\":\"Missing Authentication Token\"}"));
        }
        assertThat(functions.invocations("EchoFunction")).isZero();
    }

    @Test
    void request_should_answer_413_without_invoking_the_function_when_the_body_exceeds_10_mb() throws Exception {
        byte[] body = new byte[LocalApi.MAX_BODY_BYTES + 1];

        HttpResponse<String> response = http.send(request("/items").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"message\":\"Request Too Long\"}"));
        assertThat(functions.invocations("EchoFunction")).isZero();
    }

    @Test
    void invoke_should_report502_when_function_fails() throws Exception {
        HttpResponse<String> response = http.send(request("/boom").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"message\":\"Internal server error\"}"));
        assertThat(functions.errors("BrokenFunction")).isEqualTo(1);
    }

    @Test
    void invoke_should_report502_when_the_function_answers_something_that_is_not_a_proxy_response() throws Exception {
        HttpResponse<String> response = http.send(request("/odd").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"message\":\"Internal server error\"}"));
    }

    @Test
    void invoke_should_report500_when_lambda_refuses_the_invocation() throws Exception {
        // GIVEN a route to a function the host does not have
        HttpResponse<String> response = http.send(request("/ghost").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"message\":\"Internal server error\"}"));
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).header("x-api-key", KEY);
    }

    private URI uri(String pathAndQuery) {
        return URI.create(api.endpoint() + pathAndQuery);
    }

    /** Header names reach the function as the HTTP server normalised them; look them up as HTTP does. */
    private static JsonNode header(JsonNode headers, String name) {
        for (Map.Entry<String, JsonNode> header : headers.properties()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        throw new AssertionError("no header " + name + " in " + headers);
    }

    private static LocalFunction function(String name, String handler) {
        return new LocalFunction(name, ApiTestHandlers.class.getName() + "$" + handler + "::handleRequest", Map.of(),
                Duration.ofSeconds(10), 0);
    }
}
