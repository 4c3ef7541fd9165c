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

    /** The same request made with another API key. */
    private static APIGatewayProxyRequestEvent withKey(String apiKey, APIGatewayProxyRequestEvent request) {
        request.getRequestContext().getIdentity().setApiKey(apiKey);
        return request;
    }

    /** The same request signed by an IAM principal instead of carrying an API key. */
    private static APIGatewayProxyRequestEvent signedBy(String userArn, APIGatewayProxyRequestEvent request) {
        request.getRequestContext().getIdentity().setApiKey(null);
        request.getRequestContext().getIdentity().setUserArn(userArn);
        return request;
    }

    private static APIGatewayProxyRequestEvent getJob(String jobId) {
        return request("GET", "/jobs/{jobId}", null).withPathParameters(Map.of("jobId", jobId));
    }

    private String createJob(APIGatewayProxyRequestEvent request) throws IOException {
        APIGatewayProxyResponseEvent response = handler.handleRequest(request, null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        return body(response).path("jobId").asText();
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
    void list_should_answer400WithTheStoresMessage_when_nextTokenIsNotOneItIssued() throws IOException {
        // WHEN a list names a token the store never issued
        APIGatewayProxyResponseEvent response = handler.handleRequest(request("GET", "/jobs", null)
                .withQueryStringParameters(Map.of("nextToken", "not-a-token")), null);

        // THEN it is the caller's mistake, and the store's message says what to pass instead
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(body(response).path("error").path("message").asText()).contains("invalid page token");
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
        APIGatewayProxyResponseEvent response = getWithStoreFailing(new IllegalStateException("boom"));
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
        f.kling.failCreate(new com.klingvideo.pipeline.domain.failure.KlingRetryableException("io", 0,
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
    void anyRoute_should_answer500WithoutTheMessage_when_anIllegalArgumentComesFromInside() throws IOException {
        // GIVEN a store that fails with an IllegalArgumentException naming a table
        // WHEN a job is read
        APIGatewayProxyResponseEvent response = getWithStoreFailing(
                new IllegalArgumentException("arn:aws:dynamodb:us-east-1:1:table/J"));

        // THEN it is not a refusal the API names: a 500 that shows nothing of it
        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(body(response).path("error").path("code").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(response.getBody()).doesNotContain("arn:aws");
    }

    /** GET /jobs/x through a handler whose job store throws {@code failure} on every call. */
    private APIGatewayProxyResponseEvent getWithStoreFailing(RuntimeException failure) {
        JobStore broken = new JobStore() {
            public boolean create(Job job) { throw failure; }
            public Optional<Job> find(String jobId) { throw failure; }
            public Job update(Job job) { throw failure; }
            public JobPage list(JobStatus status, int limit, String nextToken) { throw failure; }
            public JobPage listOwned(String owner, JobStatus status, int limit, String nextToken) { throw failure; }
        };
        ApiJobs api = new ApiJobs(broken, f.media, (u, m) -> new byte[0], new ImageValidation(f.media), f.launcher,
                f.governor, f.settings, f.clock);
        return new JobsApiHandler(api).handleRequest(
                request("GET", "/jobs/{jobId}", null).withPathParameters(Map.of("jobId", "x")), null);
    }

    @Test
    void list_should_showOnlyTheCallersJobs_when_twoApiKeysHaveJobs() throws IOException {
        // GIVEN one job of key-1 and one of key-2
        String mine = createJob(request("POST", "/jobs", createBody(640, 480, "")));
        String theirs = createJob(withKey("key-2", request("POST", "/jobs", createBody(640, 480, ""))));
        // WHEN key-1 lists jobs, with and without a status filter
        JsonNode all = body(handler.handleRequest(request("GET", "/jobs", null), null));
        JsonNode queued = body(handler.handleRequest(request("GET", "/jobs", null)
                .withQueryStringParameters(Map.of("status", "QUEUED")), null));
        // THEN it sees its own job only
        assertThat(all.path("jobs").findValuesAsText("jobId")).containsExactly(mine).doesNotContain(theirs);
        assertThat(queued.path("jobs").findValuesAsText("jobId")).containsExactly(mine);
    }

    @Test
    void get_should_answer404AsForAMissingJob_when_jobIsAnotherCallers() throws IOException {
        // GIVEN a finished job of key-2, with a stored video
        String theirs = createJob(withKey("key-2", request("POST", "/jobs", createBody(640, 480, ""))));
        f.runNewExecutions();
        f.media.putRemote("https://cdn.example/v.mp4", new byte[] {1, 2});
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", "https://cdn.example/v.mp4"));
        f.checker.check(theirs);
        // WHEN key-1 reads it, and reads an id that does not exist
        APIGatewayProxyResponseEvent response = handler.handleRequest(getJob(theirs), null);
        APIGatewayProxyResponseEvent missing = handler.handleRequest(getJob("a-none"), null);
        // THEN both answers are the same 404, and no video URL is handed out
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(response.getBody().replace(theirs, "ID")).isEqualTo(missing.getBody().replace("a-none", "ID"));
        assertThat(response.getBody()).doesNotContain("outputs/");
        // while its owner still reads it
        assertThat(handler.handleRequest(withKey("key-2", getJob(theirs)), null).getStatusCode()).isEqualTo(200);
    }

    @Test
    void post_should_giveEachIamCallerItsOwnJob_when_twoRepeatTheSameIdempotencyKey() throws IOException {
        // GIVEN two IAM principals (no API key) sending the same idempotency key
        String alice = createJob(signedBy("arn:aws:iam::123456789012:user/alice",
                request("POST", "/jobs", createBody(640, 480, ",\"idempotencyKey\":\"order-1\""))));
        // WHEN the second one sends it
        String bob = createJob(signedBy("arn:aws:iam::123456789012:user/bob",
                request("POST", "/jobs", createBody(640, 480, ",\"idempotencyKey\":\"order-1\""))));
        // THEN it gets a new job, not alice's
        assertThat(bob).isNotEqualTo(alice);
        assertThat(handler.handleRequest(signedBy("arn:aws:iam::123456789012:user/bob", getJob(alice)), null)
                .getStatusCode()).isEqualTo(404);
    }

    @Test
    void post_should_refuseWith403_when_s3KeyNamesAnotherCallersImageOrAVideo() throws IOException {
        // GIVEN key-2's job, whose image the API kept in the bucket
        String theirs = createJob(withKey("key-2", request("POST", "/jobs", createBody(640, 480, ""))));
        String theirImage = f.store.get(theirs).image().key();
        // WHEN key-1 names that image, a video key and a key that exists nowhere
        APIGatewayProxyResponseEvent image = handler.handleRequest(request("POST", "/jobs",
                "{\"image\":{\"s3Key\":\"" + theirImage + "\"}}"), null);
        APIGatewayProxyResponseEvent video = handler.handleRequest(request("POST", "/jobs",
                "{\"image\":{\"s3Key\":\"outputs/" + theirs + ".mp4\"}}"), null);
        APIGatewayProxyResponseEvent nowhere = handler.handleRequest(request("POST", "/jobs",
                "{\"image\":{\"s3Key\":\"secret/nothing-here.jpg\"}}"), null);
        // THEN each is refused with the same code, whether the object exists or not, and nothing is admitted
        for (APIGatewayProxyResponseEvent refused : java.util.List.of(image, video, nowhere)) {
            assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(403);
            assertThat(body(refused).path("error").path("code").asText()).isEqualTo("S3_KEY_NOT_ALLOWED");
        }
        assertThat(body(image).path("error").path("message").asText())
                .isEqualTo(body(nowhere).path("error").path("message").asText());
        assertThat(f.store.all()).hasSize(1);
    }

    @Test
    void post_should_keepImagesUnderTheCallersOwnPrefixAndAcceptThemByKey_when_callerReusesOne() throws IOException {
        // GIVEN two jobs of key-1 whose images the API kept
        String first = createJob(request("POST", "/jobs", createBody(640, 480, "")));
        String other = createJob(request("POST", "/jobs", createBody(640, 480, "")));
        String kept = f.store.get(first).image().key();
        // THEN both images are under one prefix of key-1's own, inside the API input prefix
        String area = kept.substring(0, kept.indexOf('/', "api-inputs/".length()) + 1);
        assertThat(area).startsWith("api-inputs/").doesNotContain(first);
        assertThat(f.store.get(other).image().key()).startsWith(area);
        // WHEN key-1 starts another job from its kept image by key
        String second = createJob(request("POST", "/jobs", "{\"image\":{\"s3Key\":\"" + kept + "\"}}"));
        // THEN it is admitted with that image
        assertThat(f.store.get(second).image().key()).isEqualTo(kept);
    }

    @Test
    void anyJobsRoute_should_answer403_when_requestCarriesNoCaller() throws IOException {
        // GIVEN a request with neither an API key nor an IAM principal (a misdeployed route)
        APIGatewayProxyRequestEvent anonymous = request("GET", "/jobs", null);
        anonymous.getRequestContext().getIdentity().setApiKey(null);
        APIGatewayProxyResponseEvent response = handler.handleRequest(anonymous, null);
        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(body(response).path("error").path("code").asText()).isEqualTo("FORBIDDEN");
    }

    @Test
    void unknownRoute_should_answer404() {
        assertThat(handler.handleRequest(request("DELETE", "/jobs/{jobId}", null), null).getStatusCode()).isEqualTo(404);
    }
}
