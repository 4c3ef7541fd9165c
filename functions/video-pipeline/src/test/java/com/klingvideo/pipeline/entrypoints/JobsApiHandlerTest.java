package com.klingvideo.pipeline.entrypoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.domain.ApiJobs;
import com.klingvideo.pipeline.domain.ImageValidation;
import com.klingvideo.pipeline.domain.JobStore;
import com.klingvideo.pipeline.fakes.FakeVideoGenerator;
import com.klingvideo.pipeline.fakes.PipelineFixture;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobPage;
import com.klingvideo.pipeline.model.JobStatus;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobsApiHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PipelineFixture f = new PipelineFixture();
    private final JobsApiHandler handler = new JobsApiHandler(f.api);

    private static APIGatewayProxyRequestEvent request(String method, String resource, String body) {
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setApiKey("key-1");
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setIdentity(identity);
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(method)
                .withResource(resource)
                .withPath(resource)
                .withBody(body)
                .withRequestContext(context);
    }

    private static JsonNode body(APIGatewayProxyResponseEvent response) throws IOException {
        return JSON.readTree(response.getBody());
    }

    private String createBody(int width, int height, String extra) {
        String image = Base64.getEncoder().encodeToString(TestImages.jpeg(width, height));
        return "{\"image\":{\"base64\":\"" + image + "\"},\"prompt\":\"A kettle\"" + extra + "}";
    }

    @Test
    void post_should_answer202WithJob_when_valid() throws IOException {
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                request("POST", "/jobs", createBody(640, 480, ",\"duration\":10")), null);
        assertThat(response.getStatusCode()).isEqualTo(202);
        JsonNode job = body(response);
        assertThat(job.path("status").asText()).isEqualTo("QUEUED");
        assertThat(job.path("priority").asText()).isEqualTo("normal");
        assertThat(job.path("parameters").path("duration").asText()).isEqualTo("10");
        assertThat(response.getHeaders()).containsEntry("Location", "/jobs/" + job.path("jobId").asText());
    }

    @Test
    void post_should_returnOriginalWith200_when_idempotencyKeyHeaderRepeated() throws IOException {
        APIGatewayProxyRequestEvent request = request("POST", "/jobs", createBody(640, 480, ""))
                .withHeaders(Map.of("idempotency-key", "order-7"));
        String first = body(handler.handleRequest(request, null)).path("jobId").asText();
        f.runNewExecutions();
        APIGatewayProxyResponseEvent again = handler.handleRequest(request, null);
        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(body(again).path("jobId").asText()).isEqualTo(first);
        assertThat(f.kling.creates()).hasSize(1);
    }

    @Test
    void post_should_answer400WithFieldErrors_when_invalid() throws IOException {
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                request("POST", "/jobs", createBody(100, 100, ",\"mode\":\"standard\",\"colour\":\"red\"")), null);
        assertThat(response.getStatusCode()).isEqualTo(400);
        JsonNode error = body(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(error.path("fields").findValuesAsText("field")).contains("colour");
        assertThat(f.kling.creates()).isEmpty();
    }

    @Test
    void post_should_admitWithTheDefaultPrompt_when_promptIsEmpty() throws IOException {
        // GIVEN a request with "prompt": "" (which gateways refuse)
        String image = Base64.getEncoder().encodeToString(TestImages.jpeg(640, 480));
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                request("POST", "/jobs", "{\"image\":{\"base64\":\"" + image + "\"},\"prompt\":\"\"}"), null);
        // THEN 202, and the job carries the configured default prompt
        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(body(response).path("parameters").path("prompt").asText()).isEqualTo("Slow camera push-in on the product");
    }

    @Test
    void post_should_answer400_when_base64ImageIsTruncated() throws IOException {
        // GIVEN the first half of a valid JPEG, sent inline
        byte[] jpeg = TestImages.jpeg(640, 480);
        String half = Base64.getEncoder().encodeToString(Arrays.copyOf(jpeg, jpeg.length / 2));
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                request("POST", "/jobs", "{\"image\":{\"base64\":\"" + half + "\"},\"prompt\":\"A kettle\"}"), null);
        // THEN 400 naming the image, and no job
        assertThat(response.getStatusCode()).isEqualTo(400);
        JsonNode field = body(response).path("error").path("fields").get(0);
        assertThat(field.path("field").asText()).isEqualTo("image");
        assertThat(field.path("message").asText()).contains("JPEG is truncated");
        assertThat(f.store.all()).isEmpty();
    }

    @Test
    void post_should_answer400_when_bodyNotJson() throws IOException {
        APIGatewayProxyResponseEvent response = handler.handleRequest(request("POST", "/jobs", "{oops"), null);
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).path("error").path("fields").get(0).path("field").asText()).isEqualTo("body");
    }

    @Test
    void post_should_answer413_when_bodyTooLarge() throws IOException {
        String huge = "{\"image\":{\"base64\":\"" + "A".repeat(JobsApiHandler.MAX_BODY_BYTES) + "\"}}";
        APIGatewayProxyResponseEvent response = handler.handleRequest(request("POST", "/jobs", huge), null);
        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(body(response).path("error").path("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void get_should_return404_when_unknown() throws IOException {
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                request("GET", "/jobs/{jobId}", null).withPathParameters(Map.of("jobId", "a-none")), null);
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(body(response).path("error").path("code").asText()).isEqualTo("JOB_NOT_FOUND");
    }

    @Test
    void get_should_includeVideoUrl_when_succeeded() throws IOException {
        String jobId = body(handler.handleRequest(request("POST", "/jobs", createBody(640, 480, "")), null))
                .path("jobId").asText();
        f.runNewExecutions();
        f.media.putRemote("https://cdn.example/v.mp4", new byte[] {1, 2});
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", "https://cdn.example/v.mp4"));
        f.checker.check(jobId);
        JsonNode job = body(handler.handleRequest(
                request("GET", "/jobs/{jobId}", null).withPathParameters(Map.of("jobId", jobId)), null));
        assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.path("video").path("url").asText()).contains("outputs/" + jobId + ".mp4");
        assertThat(job.path("video").path("sizeBytes").asLong()).isEqualTo(2);
    }

    @Test
    void list_should_filterByStatusAndPaginate_when_manyJobs() throws IOException {
        for (int i = 0; i < 3; i++) {
            handler.handleRequest(request("POST", "/jobs", createBody(640, 480, "")), null);
            f.clock.advance(java.time.Duration.ofSeconds(1));
        }
        JsonNode page = body(handler.handleRequest(request("GET", "/jobs", null)
                .withQueryStringParameters(Map.of("status", "queued", "limit", "2")), null));
        assertThat(page.path("jobs")).hasSize(2);
        assertThat(page.path("nextToken").asText()).isNotBlank();
        assertThat(page.path("jobs").get(0).path("createdAt").asText())
                .isGreaterThan(page.path("jobs").get(1).path("createdAt").asText());
    }

    @Test
    void get_should_showQueuePositionAndEta_when_jobWaitsForASlot() throws IOException {
        // GIVEN all four slots taken and two jobs waiting
        for (int i = 0; i < 6; i++) {
            handler.handleRequest(request("POST", "/jobs", createBody(640, 480, "")), null);
            f.clock.advance(java.time.Duration.ofSeconds(1));
        }
        String last = f.capacity.queuedJobIds().get(1);
        // WHEN the last one is read
        JsonNode job = body(handler.handleRequest(
                request("GET", "/jobs/{jobId}", null).withPathParameters(Map.of("jobId", last)), null));
        // THEN it is second in the queue, one job ahead, and done after two rounds of the usual 60 s
        JsonNode queue = job.path("queue");
        assertThat(queue.path("position").asLong()).isEqualTo(2);
        assertThat(queue.path("jobsAhead").asLong()).isEqualTo(1);
        assertThat(queue.path("expectedStartAt").asText()).isEqualTo("2026-11-25T10:01:01Z");
        assertThat(queue.path("etaSeconds").asLong()).isEqualTo(61 + 60 - 6);
    }

    @Test
    void capacity_should_showSlotsLimitsQueueAndPause_when_asked() throws IOException {
        for (int i = 0; i < 5; i++) {
            handler.handleRequest(request("POST", "/jobs", createBody(640, 480, "")), null);
        }
        JsonNode capacity = body(handler.handleRequest(request("GET", "/capacity", null), null));
        assertThat(capacity.path("slotsInUse").asInt()).isEqualTo(4);
        assertThat(capacity.path("configuredLimit").asInt()).isEqualTo(4);
        assertThat(capacity.path("effectiveLimit").asInt()).isEqualTo(4);
        assertThat(capacity.path("queued").asLong()).isEqualTo(1);
        assertThat(capacity.path("intakePaused").asBoolean()).isFalse();
    }

    @Test
    void admin_should_refuse_when_requestCarriesNoIamIdentity() throws IOException {
        // GIVEN an API-key caller (no IAM principal): the admin routes are deployed with IAM auth only
        APIGatewayProxyResponseEvent response = handler.handleRequest(request("POST", "/admin/intake/pause", null), null);
        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(body(response).path("error").path("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(f.capacity.ledger().paused()).isFalse();
    }

    @Test
    void admin_should_pauseAndResumeIntake_when_operatorSigned() throws IOException {
        APIGatewayProxyRequestEvent pause = request("POST", "/admin/intake/pause", "{\"reason\":\"topping up\"}");
        pause.getRequestContext().getIdentity().setUserArn("arn:aws:iam::123456789012:user/ops");
        JsonNode paused = body(handler.handleRequest(pause, null));
        assertThat(paused.path("intakePaused").asBoolean()).isTrue();
        assertThat(paused.path("pause").path("by").asText()).isEqualTo("OPERATOR");
        assertThat(paused.path("pause").path("reason").asText()).contains("topping up").contains("user/ops");
        // while paused a new job waits, and nothing is started
        handler.handleRequest(request("POST", "/jobs", createBody(640, 480, "")), null);
        assertThat(f.workflow.calls()).isEmpty();

        APIGatewayProxyRequestEvent resume = request("POST", "/admin/intake/resume", null);
        resume.getRequestContext().getIdentity().setUserArn("arn:aws:iam::123456789012:user/ops");
        JsonNode resumed = body(handler.handleRequest(resume, null));
        assertThat(resumed.path("intakePaused").asBoolean()).isFalse();
        assertThat(resumed.path("slotsInUse").asInt()).isEqualTo(1);
        assertThat(f.workflow.calls()).hasSize(1);
    }

    @Test
    void admin_should_answer400_when_pauseBodyHasUnknownField() {
        APIGatewayProxyRequestEvent pause = request("POST", "/admin/intake/pause", "{\"why\":\"x\"}");
        pause.getRequestContext().getIdentity().setUserArn("arn:aws:iam::123456789012:user/ops");
        assertThat(handler.handleRequest(pause, null).getStatusCode()).isEqualTo(400);
        assertThat(f.capacity.ledger().paused()).isFalse();
    }

    @Test
    void list_should_answer400_when_limitOrStatusBad() {
        assertThat(handler.handleRequest(request("GET", "/jobs", null)
                .withQueryStringParameters(Map.of("limit", "1000")), null).getStatusCode()).isEqualTo(400);
        assertThat(handler.handleRequest(request("GET", "/jobs", null)
                .withQueryStringParameters(Map.of("status", "DONE")), null).getStatusCode()).isEqualTo(400);
    }

    @Test
    void anyRoute_should_answer500WithStableShape_when_storeFails() throws IOException {
        JobStore broken = new JobStore() {
            public boolean create(Job job) { throw new IllegalStateException("boom"); }
            public Optional<Job> find(String jobId) { throw new IllegalStateException("boom"); }
            public Job update(Job job) { throw new IllegalStateException("boom"); }
            public JobPage list(JobStatus status, int limit, String nextToken) { throw new IllegalStateException("boom"); }
        };
        ApiJobs api = new ApiJobs(broken, f.media, (u, m) -> new byte[0], new ImageValidation(f.media), f.launcher,
                f.governor, f.settings, f.clock);
        APIGatewayProxyResponseEvent response = new JobsApiHandler(api).handleRequest(
                request("GET", "/jobs/{jobId}", null).withPathParameters(Map.of("jobId", "x")), null);
        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(body(response).path("error").path("code").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(response.getBody()).doesNotContain("boom");
    }

    @Test
    void unknownRoute_should_answer404() {
        assertThat(handler.handleRequest(request("DELETE", "/jobs/{jobId}", null), null).getStatusCode()).isEqualTo(404);
    }
}
