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
        assertThat(paused.path("pause").path("reason").asText()).isEqualTo("topping up");
        // every API key holder reads GET /capacity: the operator's IAM identity is for the log only
        APIGatewayProxyResponseEvent capacity = handler.handleRequest(request("GET", "/capacity", null), null);
        assertThat(body(capacity).path("intakePaused").asBoolean()).isTrue();
        assertThat(capacity.getBody()).doesNotContain("arn:aws").doesNotContain("123456789012");
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
    void post_should_answerAStableCodeAndNoDetail_when_theImageUrlCannotBeFetched() throws IOException {
        // GIVEN an image URL the downloader cannot fetch (its detail names the address it dialled)
        APIGatewayProxyResponseEvent response = handler.handleRequest(request("POST", "/jobs",
                "{\"image\":{\"url\":\"https://inside.example/cat.jpg\"},\"prompt\":\"A kettle\"}"), null);

        // THEN the caller gets a stable code and a generic message, nothing of the detail
        assertThat(response.getStatusCode()).isEqualTo(400);
        JsonNode field = body(response).path("error").path("fields").get(0);
        assertThat(field.path("field").asText()).isEqualTo("image");
        assertThat(field.path("code").asText()).isEqualTo("IMAGE_URL_UNAVAILABLE");
        assertThat(response.getBody()).doesNotContain("10.0.0.7").doesNotContain("ConnectException")
                .doesNotContain("CONNECT");
    }

    @Test
    void get_should_notShowTheCause_when_theJobWasAbandonedAfterAnInternalError() throws IOException {
        // GIVEN a job whose status checks failed with an AWS error naming a role and a table
        String jobId = body(handler.handleRequest(request("POST", "/jobs", createBody(640, 480, "")), null))
                .path("jobId").asText();
        f.runNewExecutions();
        f.checker.recordFailure(jobId, "software.amazon.awssdk.services.dynamodb.model.DynamoDbException",
                "User: arn:aws:sts::123456789012:assumed-role/CheckStatusRole/fn is not authorized to perform:"
                        + " dynamodb:UpdateItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Jobs"
                        + " (Service: DynamoDb, Status Code: 400, Request ID: R1)");

        // WHEN
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                request("GET", "/jobs/{jobId}", null).withPathParameters(Map.of("jobId", jobId)), null);

        // THEN the job (still followed: Kling holds its task) says a check failed, and nothing of the exception
        JsonNode job = body(response);
        assertThat(job.path("status").asText()).isEqualTo("SUBMITTED");
        assertThat(job.path("lastError").asText()).isEqualTo("a status check failed (an internal error)");
        assertThat(response.getBody()).doesNotContain("arn:aws").doesNotContain("123456789012")
                .doesNotContain("DynamoDbException").doesNotContain("Request ID").doesNotContain("awssdk");
    }

    @Test
    void get_should_notShowTheTransportError_when_aJobWaitsAfterKlingWasUnreachable() throws IOException {
        // GIVEN Kling's create failed at the transport, with a message naming a proxy and its address
        f.kling.failCreate(new com.klingvideo.pipeline.domain.KlingRetryableException("io", 0,
                "Kling create got no answer (io: ConnectException Connection refused: proxy.corp.internal/10.1.2.3:3128)",
                false, null));
        String jobId = body(handler.handleRequest(request("POST", "/jobs", createBody(640, 480, "")), null))
                .path("jobId").asText();
        f.runNewExecutions();

        // WHEN
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                request("GET", "/jobs/{jobId}", null).withPathParameters(Map.of("jobId", jobId)), null);

        // THEN the job shows that Kling is retried, not the exception's text
        assertThat(body(response).path("lastError").asText()).isEqualTo("Kling io");
        assertThat(response.getBody()).doesNotContain("10.1.2.3").doesNotContain("proxy.corp");
    }

    @Test
    void anyRoute_should_answerWithoutTheMessage_when_anIllegalArgumentComesFromInside() throws IOException {
        // GIVEN a store that fails with an IllegalArgumentException naming a table
        JobStore broken = new JobStore() {
            public boolean create(Job job) { throw new IllegalArgumentException("arn:aws:dynamodb:us-east-1:1:table/J"); }
            public Optional<Job> find(String jobId) { throw new IllegalArgumentException("arn:aws:dynamodb:us-east-1:1:table/J"); }
            public Job update(Job job) { throw new IllegalArgumentException("arn:aws:dynamodb:us-east-1:1:table/J"); }
            public JobPage list(JobStatus status, int limit, String nextToken) {
                throw new IllegalArgumentException("arn:aws:dynamodb:us-east-1:1:table/J");
            }
        };
        ApiJobs api = new ApiJobs(broken, f.media, (u, m) -> new byte[0], new ImageValidation(f.media), f.launcher,
                f.governor, f.settings, f.clock);

        // WHEN
        APIGatewayProxyResponseEvent response = new JobsApiHandler(api).handleRequest(
                request("GET", "/jobs/{jobId}", null).withPathParameters(Map.of("jobId", "x")), null);

        // THEN
        assertThat(response.getBody()).doesNotContain("arn:aws");
    }

    @Test
    void unknownRoute_should_answer404() {
        assertThat(handler.handleRequest(request("DELETE", "/jobs/{jobId}", null), null).getStatusCode()).isEqualTo(404);
    }
}
