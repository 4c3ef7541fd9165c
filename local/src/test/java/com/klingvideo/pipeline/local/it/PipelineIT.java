package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.local.RepositoryLayout;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * The pipeline end to end on the local stack (official dialect): uploads and API calls go through the
 * real AWS SDK to moto, moto's S3 notifications and Step Functions tasks run the real handlers, and
 * Kling is the simulator with an account limit of two parallel tasks.
 */
class PipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final LocalStackExtension LOCAL = new LocalStackExtension(state -> LocalStackOptions.forTests(state)
            .withSimulator(KlingDialect.OFFICIAL, Duration.ofSeconds(3), 2));

    @Test
    void upload_should_endSucceededWithPlayableVideo_when_imageHasMetadata(@TempDir Path downloads) throws IOException {
        // GIVEN an image uploaded with a prompt and a duration in its metadata
        String jobId = LOCAL.driver().upload("mug.jpg", TestImages.jpeg(800, 600),
                Map.of("prompt", "The mug turns slowly", "duration", "10", "mode", "pro"));

        // WHEN the pipeline runs
        Job job = LOCAL.driver().awaitFinal(jobId);

        // THEN the job succeeded with the metadata's parameters and a real MP4 in the output prefix
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.parameters().prompt()).isEqualTo("The mug turns slowly");
        assertThat(job.parameters().duration()).isEqualTo("10");
        assertThat(job.parameterSources()).containsExactly("defaults", "metadata");
        assertThat(job.klingTaskId()).isNotBlank();
        assertThat(job.pollCount()).isPositive();
        assertThat(job.unitsDeducted()).isEqualTo("4");
        assertThat(job.completedAt()).isAfterOrEqualTo(job.submittedAt());
        LOCAL.driver().assertPlayableVideo(job, downloads);
        assertThat(LOCAL.driver().createsFor(jobId)).singleElement().satisfies(create -> {
            assertThat(create.path("duration").isTextual()).isTrue();
            assertThat(create.path("image").asText()).startsWith("http://").contains("X-Amz-Signature");
        });
    }

    @Test
    void api_should_fetchALoopbackImageUrl_but_refuseTheMetadataAddress_when_localUrlsAreAllowed() throws Exception {
        // GIVEN an image served on loopback, as the local stack's setting (ALLOW_LOOPBACK_URLS=1) permits
        byte[] image = TestImages.jpeg(640, 480);
        HttpServer images = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        images.createContext("/kettle.jpg", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, image.length);
                exchange.getResponseBody().write(image);
            }
        });
        images.start();
        try {
            String url = "http://127.0.0.1:" + images.getAddress().getPort() + "/kettle.jpg?sig=a%2Fb";

            // WHEN it is posted by URL THEN the job is admitted with the image kept in the bucket
            HttpResponse<String> created = post("/jobs", JSON.writeValueAsString(Map.of(
                    "image", Map.of("url", url), "prompt", "A kettle")), LOCAL.stack().endpoints().apiKey());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
            assertThat(JSON.readTree(created.body()).path("image").path("key").asText()).startsWith("api-inputs/");

            // WHEN the metadata service is named THEN it is refused with the stable code and nothing more
            HttpResponse<String> refused = post("/jobs", JSON.writeValueAsString(Map.of(
                    "image", Map.of("url", "http://169.254.169.254/latest/meta-data/"), "prompt", "A kettle")),
                    LOCAL.stack().endpoints().apiKey());
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).path("error").path("fields").get(0).path("code").asText())
                    .isEqualTo("IMAGE_URL_UNAVAILABLE");
            assertThat(refused.body()).doesNotContain("LINK_LOCAL").doesNotContain("169.254.169.254 is");
        } finally {
            images.stop(0);
        }
    }

    @Test
    void api_should_createFollowAndServeTheVideo_when_postedWithKey() throws Exception {
        String body = JSON.writeValueAsString(Map.of(
                "image", Map.of("base64", Base64.getEncoder().encodeToString(TestImages.png(640, 640))),
                "prompt", "A teapot on a table",
                "idempotencyKey", "it-order-1"));
        // GIVEN no API key  THEN API Gateway's answer, and no job
        assertThat(post("/jobs", body, null).statusCode()).isEqualTo(403);

        // WHEN created with the key
        HttpResponse<String> created = post("/jobs", body, LOCAL.stack().endpoints().apiKey());
        assertThat(created.statusCode()).isEqualTo(202);
        String jobId = JSON.readTree(created.body()).path("jobId").asText();
        // and repeated with the same idempotency key
        HttpResponse<String> again = post("/jobs", body, LOCAL.stack().endpoints().apiKey());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("jobId").asText()).isEqualTo(jobId);

        // THEN GET /jobs/{id} ends SUCCEEDED with a URL that serves the video
        JsonNode job = null;
        for (int i = 0; i < 240; i++) {
            job = JSON.readTree(get("/jobs/" + jobId).body());
            if (job.path("status").asText().matches("SUCCEEDED|FAILED|TIMED_OUT")) {
                break;
            }
            StackDriver.sleep(250);
        }
        assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
        HttpResponse<byte[]> video = HTTP.send(HttpRequest.newBuilder(URI.create(job.path("video").path("url").asText()))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(new String(video.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        assertThat(LOCAL.driver().createsFor(jobId)).hasSize(1);

        // AND it is listed, newest first, and an unknown id is a 404
        JsonNode list = JSON.readTree(get("/jobs?status=SUCCEEDED&limit=50").body());
        assertThat(list.path("jobs").findValuesAsText("jobId")).contains(jobId);
        assertThat(get("/jobs/a-unknown").statusCode()).isEqualTo(404);
    }

    @Test
    void api_should_keepEachCallersJobsAndImagesToItself_when_twoKeysCall() throws Exception {
        String mine = LOCAL.stack().endpoints().apiKey();
        String theirs = LOCAL.stack().endpoints().otherApiKey();
        String body = JSON.writeValueAsString(Map.of(
                "image", Map.of("base64", Base64.getEncoder().encodeToString(TestImages.jpeg(640, 480))),
                "idempotencyKey", "it-shared-key"));
        // GIVEN a job of the first key, and the second key repeating the same idempotency key
        HttpResponse<String> first = post("/jobs", body, mine);
        HttpResponse<String> second = post("/jobs", body, theirs);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(second.statusCode()).as("a new job, not the first key's: " + second.body()).isEqualTo(202);
        JsonNode myJob = JSON.readTree(first.body());
        String myJobId = myJob.path("jobId").asText();
        String theirJobId = JSON.readTree(second.body()).path("jobId").asText();
        assertThat(theirJobId).isNotEqualTo(myJobId);

        // WHEN the second key reads and lists
        HttpResponse<String> read = get("/jobs/" + myJobId, theirs);
        HttpResponse<String> unknown = get("/jobs/a-unknown", theirs);
        JsonNode theirList = JSON.readTree(get("/jobs?limit=100", theirs).body());
        JsonNode myList = JSON.readTree(get("/jobs?status=QUEUED&limit=100", mine).body());
        // THEN the first key's job is as unknown to it as a missing one, and each lists only its own
        assertThat(read.statusCode()).isEqualTo(404);
        assertThat(read.body().replace(myJobId, "ID")).isEqualTo(unknown.body().replace("a-unknown", "ID"));
        assertThat(theirList.path("jobs").findValuesAsText("jobId")).contains(theirJobId).doesNotContain(myJobId);
        assertThat(myList.path("jobs").findValuesAsText("jobId")).doesNotContain(theirJobId);

        // WHEN the second key names the first one's kept image, or its video, by key
        String myImage = myJob.path("image").path("key").asText();
        for (String key : List.of(myImage, "outputs/" + myJobId + ".mp4")) {
            HttpResponse<String> refused = post("/jobs", JSON.writeValueAsString(Map.of("image", Map.of("s3Key", key))),
                    theirs);
            // THEN it is refused without a job, while the first key may reuse its own image
            assertThat(refused.statusCode()).as(key + ": " + refused.body()).isEqualTo(403);
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asText()).isEqualTo("S3_KEY_NOT_ALLOWED");
        }
        HttpResponse<String> reused = post("/jobs", JSON.writeValueAsString(Map.of("image", Map.of("s3Key", myImage))),
                mine);
        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(202);
        // (and the jobs end before the next test arms its Kling faults)
        for (String jobId : List.of(myJobId, theirJobId, JSON.readTree(reused.body()).path("jobId").asText())) {
            assertThat(LOCAL.driver().awaitFinal(jobId).status()).isEqualTo(JobStatus.SUCCEEDED);
        }
    }

    /** The bucket notifies on the whole input prefix; the function matches the suffixes in any case. */
    @Test
    void upload_should_becomeAJob_when_itsSuffixIsMixedCase_and_otherFilesShould_reachTheFunctionAndBeIgnored() {
        // GIVEN a photo named by hand (no S3 suffix filter of one case would see .Jpg)  WHEN it is uploaded
        String jobId = LOCAL.driver().upload("kettle-by-hand.Jpg", TestImages.jpeg(640, 480), Map.of());
        // THEN it becomes a job that ends with a video
        assertThat(LOCAL.driver().awaitFinal(jobId).status()).isEqualTo(JobStatus.SUCCEEDED);

        // AND WHEN a file that is neither image nor sidecar lands under the input prefix
        long before = LOCAL.stack().lambdaHost().invocations("SubmitFunction");
        String notes = LOCAL.driver().upload("kettle-notes.txt", "not an image".getBytes(StandardCharsets.UTF_8),
                Map.of());
        // THEN it reaches the function, which makes no job of it
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (LOCAL.stack().lambdaHost().invocations("SubmitFunction") == before && System.nanoTime() < deadline) {
            StackDriver.sleep(100);
        }
        assertThat(LOCAL.stack().lambdaHost().invocations("SubmitFunction")).isGreaterThan(before);
        assertThat(LOCAL.driver().job(notes)).isEmpty();
    }

    @Test
    void repeatedNotification_should_makeOneKlingTaskAndOneExecution_when_deliveredThreeMoreTimes() throws Exception {
        // GIVEN an upload (S3 notifies once) and the same notification delivered three more times at once
        String name = "kettle-repeated.jpg";
        String jobId = LOCAL.driver().upload(name, TestImages.jpeg(700, 500), Map.of());
        Job admitted = LOCAL.driver().await(jobId, Duration.ofSeconds(30), EnumSet.allOf(JobStatus.class));
        String event = s3Event(admitted);
        long before = LOCAL.stack().lambdaHost().invocations("SubmitFunction");
        try (LambdaClient lambda = lambdaClient()) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(pool.submit(() -> lambda.invoke(b -> b.functionName("arn:aws:lambda:us-east-1:123456789012:"
                        + "function:SubmitFunction:live").invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromUtf8String(event))).statusCode()));
            }
            for (Future<Integer> f : sent) {
                assertThat(f.get()).isEqualTo(202);
            }
            pool.shutdown();
        }

        // THEN the job completes once: one create at Kling, one execution
        Job job = LOCAL.driver().awaitFinal(jobId);
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        for (int i = 0; i < 40 && LOCAL.stack().lambdaHost().invocations("SubmitFunction") < before + 3; i++) {
            StackDriver.sleep(250);
        }
        assertThat(LOCAL.stack().lambdaHost().invocations("SubmitFunction")).isGreaterThanOrEqualTo(before + 3);
        assertThat(LOCAL.driver().createsFor(jobId)).hasSize(1);
        assertThat(LOCAL.driver().executionsFor(jobId)).isEqualTo(1);
    }

    @Test
    void failingUploadEvent_should_landInTheDeadLetterQueue_when_everyAttemptFails() throws Exception {
        // GIVEN an upload notification the function cannot handle (a key that is not URL-encoded properly)
        String event = JSON.writeValueAsString(Map.of("Records", List.of(Map.of(
                "eventVersion", "2.1", "eventSource", "aws:s3", "awsRegion", "us-east-1",
                "eventTime", "2026-11-25T10:00:00.000Z", "eventName", "ObjectCreated:Put",
                "s3", Map.of("s3SchemaVersion", "1.0", "configurationId", "x",
                        "bucket", Map.of("name", "no-such-bucket", "arn", "arn:aws:s3:::no-such-bucket"),
                        "object", Map.of("key", "inputs/lost%zz.jpg", "size", 1, "eTag", "e", "sequencer", "1"))))));
        try (LambdaClient lambda = lambdaClient()) {
            lambda.invoke(b -> b.functionName("SubmitFunction:live").invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String(event)));
        }

        // THEN after Lambda's retries the event is kept in the template's dead-letter queue, not dropped
        String queue = LOCAL.stack().endpoints().deadLetterQueueUrl();
        JsonNode record = null;
        for (int i = 0; i < 30 && record == null; i++) {
            var messages = LOCAL.stack().sqs().receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages();
            if (!messages.isEmpty()) {
                record = JSON.readTree(messages.get(0).body());
            }
        }
        assertThat(record).as("a dead-letter record").isNotNull();
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.path("requestPayload").path("Records").get(0).path("s3").path("bucket").path("name").asText())
                .isEqualTo("no-such-bucket");
        assertThat(record.path("responsePayload").path("errorType").asText()).isNotBlank();
    }

    @Test
    void badInput_should_failWithReasonsAndNoKlingCall_when_imageTooSmallAndParametersWrong() {
        long created = LOCAL.stack().simulator().counters().tasksCreated();
        String jobId = LOCAL.driver().upload("tiny.png", TestImages.png(120, 90),
                Map.of("mode", "standard", "duration", "7", "model", "kling-v9"));

        Job job = LOCAL.driver().awaitFinal(jobId);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().code()).isEqualTo("INVALID_INPUT");
        assertThat(job.failure().reason()).contains("120x90").contains("mode").contains("duration").contains("model");
        assertThat(LOCAL.driver().createsFor(jobId)).isEmpty();
        assertThat(LOCAL.driver().executionsFor(jobId)).isZero();
        assertThat(LOCAL.stack().simulator().counters().tasksCreated()).isEqualTo(created);
    }

    @Test
    void truncatedUpload_should_failWithReasonAndNoKlingCall_when_onlyHalfAJpegArrived() {
        // GIVEN the first half of a valid JPEG: its header and size are intact, its scan data and EOI are not
        long created = LOCAL.stack().simulator().counters().tasksCreated();
        byte[] jpeg = TestImages.jpeg(800, 600);
        String jobId = LOCAL.driver().upload("half.jpg", Arrays.copyOf(jpeg, jpeg.length / 2), Map.of());

        // WHEN the pipeline runs
        Job job = LOCAL.driver().awaitFinal(jobId);

        // THEN the job failed with the reason and Kling never saw it
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().code()).isEqualTo("INVALID_INPUT");
        assertThat(job.failure().reason()).startsWith("image is not a usable image: JPEG is truncated")
                .contains("before its end-of-image marker (EOI)");
        assertThat(LOCAL.driver().createsFor(jobId)).isEmpty();
        assertThat(LOCAL.driver().executionsFor(jobId)).isZero();
        assertThat(LOCAL.stack().simulator().counters().tasksCreated()).isEqualTo(created);
    }

    @Test
    void api_should_answer400AndCallNoKling_when_endFrameIsAskedOfAModelThatTakesNone() throws Exception {
        // GIVEN a request with an end frame for kling-v2-master, which Kling (and the simulator) would refuse
        long created = LOCAL.stack().simulator().counters().tasksCreated();
        String image = Base64.getEncoder().encodeToString(TestImages.jpeg(640, 480));
        String body = JSON.writeValueAsString(Map.of("image", Map.of("base64", image),
                "imageTail", Map.of("base64", image), "model", "kling-v2-master", "mode", "pro", "prompt", "A vase"));

        // WHEN it is posted
        HttpResponse<String> response = post("/jobs", body, LOCAL.stack().endpoints().apiKey());

        // THEN 400 naming the end frame, and Kling never asked
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").path("fields").findValuesAsText("field"))
                .containsExactly("imageTail");
        assertThat(LOCAL.stack().simulator().counters().tasksCreated()).isEqualTo(created);
        assertThat(LOCAL.stack().simulator().receivedCreates()).noneMatch(c -> c.path("model_name").asText()
                .equals("kling-v2-master"));
    }

    @Test
    void klingTaskFailure_should_failTheJobWithKlingsReason() {
        LOCAL.stack().simulator().faults().failNextTasks(1, "Image pixel is invalid");
        String jobId = LOCAL.driver().upload("blurry.jpg", TestImages.jpeg(640, 480), Map.of());

        Job job = LOCAL.driver().awaitFinal(jobId);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().code()).isEqualTo("KLING_TASK_FAILED");
        assertThat(job.failure().reason()).isEqualTo("Image pixel is invalid");
        assertThat(job.video()).isNull();
    }

    @Test
    void klingOutageAtSubmit_should_keepTheJobWaitingAndComplete_when_klingRecovers() {
        // GIVEN Kling answers every create with 5000
        LOCAL.stack().simulator().faults().outage(true);
        try {
            String jobId = LOCAL.driver().upload("outage.jpg", TestImages.jpeg(640, 480), Map.of());
            // THEN the job waits, queued, with the error recorded
            Job waiting = LOCAL.driver().await(jobId, Duration.ofSeconds(30), EnumSet.of(JobStatus.QUEUED));
            for (int i = 0; i < 120 && (waiting.lastError() == null || waiting.submitAttempts() < 2); i++) {
                StackDriver.sleep(250);
                waiting = LOCAL.driver().job(jobId).orElseThrow();
            }
            assertThat(waiting.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(waiting.lastError()).contains("5000");
            assertThat(waiting.submitAttempts()).isGreaterThanOrEqualTo(2);

            // WHEN Kling recovers  THEN the job completes, with one task at Kling
            LOCAL.stack().simulator().faults().outage(false);
            Job job = LOCAL.driver().awaitFinal(jobId);
            assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(LOCAL.stack().simulator().receivedCreates().stream()
                    .filter(c -> jobId.equals(c.path("external_task_id").asText())).count())
                    .isEqualTo(job.submitAttempts());
        } finally {
            LOCAL.stack().simulator().faults().outage(false);
        }
    }

    @Test
    void readmeCliCommands_should_uploadAndReadTheJob_when_runAgainstTheLocalStack() throws Exception {
        // GIVEN the aws CLI commands and variables the README shows for the local stack
        RepositoryLayout repo = RepositoryLayout.locate();
        List<String> commands = ReadmeCommands.localCli(repo);
        assertThat(commands).hasSize(2);
        assertThat(ReadmeCommands.documentedVariables(repo)).containsEntry("BUCKET", LOCAL.stack().endpoints().bucket())
                .containsEntry("TABLE", LOCAL.stack().endpoints().table());

        // WHEN the upload runs
        ReadmeCommands.Result upload = ReadmeCommands.run(commands.get(0), LOCAL.stack().endpoints());
        assertThat(upload.exitCode()).as(upload.output()).isZero();
        assertThat(upload.output()).contains("upload:");
        String jobId = null;
        for (int i = 0; i < 120 && jobId == null; i++) {
            jobId = LOCAL.driver().jobs.list(null, 1, null).jobs().stream()
                    .filter(j -> j.image().key().equals("inputs/red-kettle.jpg"))
                    .map(Job::jobId).findFirst().orElse(null);
            StackDriver.sleep(250);
        }
        assertThat(jobId).as("a job for the uploaded file").isNotNull();

        // THEN the query shows that job, and it completes with the metadata's prompt
        ReadmeCommands.Result query = ReadmeCommands.run(commands.get(1), LOCAL.stack().endpoints());
        assertThat(query.exitCode()).as(query.output()).isZero();
        assertThat(query.output()).contains(jobId);
        Job job = LOCAL.driver().awaitFinal(jobId);
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.parameters().prompt()).isEqualTo("The kettle turns slowly on a marble counter");
    }

    private static String s3Event(Job job) throws IOException {
        var info = LOCAL.stack().s3().headObject(b -> b.bucket(job.image().bucket()).key(job.image().key()));
        String encodedKey = URLEncoder.encode(job.image().key(), StandardCharsets.UTF_8).replace("%2F", "/");
        return JSON.writeValueAsString(Map.of("Records", List.of(Map.of(
                "eventVersion", "2.1",
                "eventSource", "aws:s3",
                "awsRegion", "us-east-1",
                "eventTime", "2026-11-25T10:00:00.000Z",
                "eventName", "ObjectCreated:Put",
                "s3", Map.of(
                        "s3SchemaVersion", "1.0",
                        "configurationId", "SubmitFunctionJpgUpload",
                        "bucket", Map.of("name", job.image().bucket(), "arn", "arn:aws:s3:::" + job.image().bucket()),
                        "object", Map.of("key", encodedKey, "size", info.contentLength(),
                                "eTag", info.eTag().replace("\"", ""), "versionId", info.versionId(),
                                "sequencer", "0055AED6DCD90281E5"))))));
    }

    private static LambdaClient lambdaClient() {
        return LambdaClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .endpointOverride(LOCAL.stack().endpoints().lambdaEndpoint())
                .build();
    }

    private static HttpResponse<String> post(String path, String body, String apiKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(LOCAL.stack().endpoints().apiUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("x-api-key", apiKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return get(path, LOCAL.stack().endpoints().apiKey());
    }

    private static HttpResponse<String> get(String path, String apiKey) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(LOCAL.stack().endpoints().apiUrl() + path))
                .header("x-api-key", apiKey).build(), HttpResponse.BodyHandlers.ofString());
    }
}
