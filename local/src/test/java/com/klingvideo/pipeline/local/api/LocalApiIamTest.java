package com.klingvideo.pipeline.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.local.lambda.LambdaHost;
import com.klingvideo.pipeline.local.lambda.LocalFunction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AWS_IAM methods of the local API: SigV4-signed requests reach the function with the signer's identity. */
class LocalApiIamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = "us-east-1";
    private static final String ACCESS_KEY = "AKIDLOCALOPERATOR";
    private static final String SECRET = "local-secret";
    private static final String OPERATOR = "arn:aws:iam::123456789012:user/local-operator";

    private final HttpClient http = HttpClient.newHttpClient();
    private LambdaHost functions;
    private LocalApi api;

    @BeforeEach
    void start() {
        functions = new LambdaHost("127.0.0.1", 0).register(new LocalFunction("RawEventFunction",
                ApiTestHandlers.class.getName() + "$RawEvent::handleRequest", Map.of(), Duration.ofSeconds(10), 0));
        RestApi restApi = new RestApi("v1", true, List.of(
                new ApiRoute("post", "/admin/thing", "RawEventFunction", false, true),
                new ApiRoute("post", "/keyed", "RawEventFunction")), GatewayResponses.none());
        api = new LocalApi(functions, restApi, Map.of("key", "keyid"),
                new LocalApi.IamCredentials(REGION, ACCESS_KEY, SECRET, OPERATOR, "123456789012"), "127.0.0.1", 0)
                .start();
    }

    @AfterEach
    void stop() {
        api.close();
        functions.close();
    }

    private URI uri(String path) {
        return URI.create(api.endpoint() + path);
    }

    @Test
    void signedRequest_should_reachTheFunctionWithTheSignersIdentityAndNoApiKey() throws Exception {
        // WHEN an operator signs the request with their credentials (no API key)
        HttpResponse<String> response = http.send(SigV4Requests.post(uri("/admin/thing"), "{\"reason\":\"x\"}",
                ACCESS_KEY, SECRET, REGION, Instant.now()), HttpResponse.BodyHandlers.ofString());

        // THEN the function runs and sees who signed, as API Gateway tells it
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode identity = JSON.readTree(response.body()).path("requestContext").path("identity");
        assertThat(identity.path("userArn").asText()).isEqualTo(OPERATOR);
        assertThat(identity.path("accessKey").asText()).isEqualTo(ACCESS_KEY);
        assertThat(identity.path("apiKey").isNull()).isTrue();
    }

    @Test
    void unsignedRequest_should_beRefusedBeforeTheFunction() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/admin/thing"))
                .header("x-api-key", "key").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("Missing Authentication Token");
        assertThat(functions.invocations("RawEventFunction")).isZero();
    }

    @Test
    void wronglySignedRequests_should_beRefused() throws Exception {
        // a wrong secret, an unknown key, a signature from an hour ago, a body changed after signing
        HttpRequest wrongSecret = SigV4Requests.post(uri("/admin/thing"), "{}", ACCESS_KEY, "guess", REGION, Instant.now());
        HttpRequest unknownKey = SigV4Requests.post(uri("/admin/thing"), "{}", "AKIDSOMEONE", SECRET, REGION, Instant.now());
        HttpRequest stale = SigV4Requests.post(uri("/admin/thing"), "{}", ACCESS_KEY, SECRET, REGION,
                Instant.now().minus(Duration.ofHours(1)));
        HttpRequest signed = SigV4Requests.post(uri("/admin/thing"), "{}", ACCESS_KEY, SECRET, REGION, Instant.now());
        HttpRequest.Builder tampered = HttpRequest.newBuilder(uri("/admin/thing"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\":1}"));
        signed.headers().map().forEach((name, values) -> values.forEach(v -> tampered.header(name, v)));

        assertThat(status(wrongSecret)).as("wrong secret").isEqualTo(403);
        assertThat(status(unknownKey)).as("unknown key").isEqualTo(403);
        assertThat(status(stale)).as("an hour old").isEqualTo(403);
        assertThat(status(tampered.build())).as("body changed").isEqualTo(403);
        assertThat(functions.invocations("RawEventFunction")).isZero();
    }

    @Test
    void otherRoutes_should_stillNeedTheApiKey_when_signed() throws Exception {
        assertThat(status(SigV4Requests.post(uri("/keyed"), "{}", ACCESS_KEY, SECRET, REGION, Instant.now())))
                .isEqualTo(403);
    }

    @Test
    void routesWithoutTheirOwnAuthorizer_should_needASignatureAndTheKey_when_theApisDefaultIsIam() throws Exception {
        // GIVEN an API whose default authorizer is AWS_IAM (JobsApiAuthorizer=AWS_IAM), keys still required
        LocalApi iamApi = new LocalApi(functions, new RestApi("v1", true, true, List.of(
                new ApiRoute("post", "/jobs", "RawEventFunction")), GatewayResponses.none()), Map.of("key", "keyid"),
                new LocalApi.IamCredentials(REGION, ACCESS_KEY, SECRET, OPERATOR, "123456789012"), "127.0.0.1", 0)
                .start();
        try {
            URI jobs = URI.create(iamApi.endpoint() + "/jobs");
            HttpRequest signed = SigV4Requests.post(jobs, "{}", ACCESS_KEY, SECRET, REGION, Instant.now());
            HttpRequest.Builder signedWithKey = HttpRequest.newBuilder(jobs).POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .header("x-api-key", "key");
            signed.headers().map().forEach((name, values) -> values.forEach(v -> signedWithKey.header(name, v)));
            // THEN the key alone and the signature alone are refused; both reach the function as the signer
            assertThat(status(HttpRequest.newBuilder(jobs).header("x-api-key", "key")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build())).as("key only").isEqualTo(403);
            assertThat(status(signed)).as("signature only").isEqualTo(403);
            HttpResponse<String> both = http.send(signedWithKey.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(both.statusCode()).isEqualTo(201);
            assertThat(JSON.readTree(both.body()).path("requestContext").path("identity").path("userArn").asText())
                    .isEqualTo(OPERATOR);
        } finally {
            iamApi.close();
        }
    }

    private int status(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
