package com.klingvideo.pipeline.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.domain.JobIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * {@code ./local/run}: starts the local stack in the foreground and prints where everything is;
 * {@code --demo} then uploads the bundled sample photo, waits for its job and prints the record and the
 * downloaded MP4. Ctrl-C or SIGTERM stops everything it started.
 */
public final class LocalStackMain {
    private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "TIMED_OUT");
    private static final String SAMPLE = "local/sample/red-kettle.jpg";

    private LocalStackMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = List.of(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.println("usage: local/run [--demo]   (see README.md, \"Run it locally\")");
            return;
        }
        boolean demo = arguments.contains("--demo");
        for (String a : arguments) {
            if (!a.equals("--demo")) {
                System.err.println("unknown option " + a + "; usage: local/run [--demo]");
                System.exit(2);
            }
        }
        RepositoryLayout repo = RepositoryLayout.locate();
        LocalStackOptions options;
        try {
            options = LocalStackOptions.fromEnvironment(System.getenv(), repo.resolve(".local-stack"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LocalStack stack;
        try {
            stack = LocalStack.start(options);
        } catch (RuntimeException e) {
            System.err.println("the local stack did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the local stack...");
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        printEndpoints(stack, repo);
        if (demo) {
            runDemo(stack, repo);
        }
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    private static void printEndpoints(LocalStack stack, RepositoryLayout repo) {
        LocalStack.Endpoints e = stack.endpoints();
        System.out.println();
        System.out.println("kling-video-pipeline is running locally");
        System.out.println("  AWS (moto)     " + e.awsEndpoint() + "   region " + e.region() + ", credentials "
                + e.accessKeyId() + "/" + e.secretAccessKey());
        System.out.println("  API            " + e.apiUrl() + "   header x-api-key: " + e.apiKey());
        System.out.println("                 a second caller's key: " + e.otherApiKey());
        System.out.println("  Lambda host    " + e.lambdaEndpoint());
        System.out.println("  Kling          " + e.klingUrl() + "   (" + (e.klingSimulated() ? "simulator, " : "")
                + e.klingStyle() + ")");
        System.out.println("  drop images in s3://" + e.bucket() + "/" + e.inputPrefix());
        System.out.println("  videos in      s3://" + e.bucket() + "/" + e.outputPrefix());
        System.out.println("  jobs table     " + e.table());
        System.out.println("  state machine  " + e.stateMachineArn());
        System.out.println("  all of this in " + repo.root().relativize(stack.endpointsFile()));
        System.out.println();
    }

    private static void runDemo(LocalStack stack, RepositoryLayout repo) throws Exception {
        LocalStack.Endpoints e = stack.endpoints();
        String key = e.inputPrefix() + "red-kettle.jpg";
        System.out.println("demo: uploading " + SAMPLE + " to s3://" + e.bucket() + "/" + key);
        PutObjectResponse put = stack.s3().putObject(b -> b.bucket(e.bucket()).key(key).contentType("image/jpeg")
                        .metadata(Map.of("prompt", "The red kettle turns slowly on a marble counter, soft morning light")),
                RequestBody.fromFile(repo.resolve(SAMPLE)));
        String jobId = JobIds.forObject(e.bucket(), key, put.versionId(), put.eTag());
        System.out.println("demo: job " + jobId + " - waiting for it to finish");
        Map<String, AttributeValue> item = Map.of();
        String last = "";
        Instant deadline = Instant.now().plus(Duration.ofMinutes(e.klingSimulated() ? 3 : 70));
        while (Instant.now().isBefore(deadline)) {
            item = stack.dynamoDb().getItem(b -> b.tableName(e.table()).key(Map.of("jobId",
                    AttributeValue.fromS(jobId))).consistentRead(true)).item();
            String status = item.containsKey("status") ? item.get("status").s() : "(not admitted yet)";
            if (!status.equals(last)) {
                System.out.println("demo: " + status);
                last = status;
            }
            if (FINAL.contains(status)) {
                break;
            }
            Thread.sleep(1000);
        }
        System.out.println("demo: the job record:");
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(plain(item)));
        if (item.containsKey("videoKey")) {
            Path target = repo.resolve(".local-stack/demo/" + jobId + ".mp4");
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            String videoKey = item(item, "videoKey");
            stack.s3().getObject(b -> b.bucket(e.bucket()).key(videoKey), target);
            System.out.println("demo: the video is " + repo.root().relativize(target) + " (" + Files.size(target)
                    + " bytes)");
        } else {
            System.out.println("demo: no video (" + (item.containsKey("failureReason")
                    ? item(item, "failureReason") : "the job did not finish in time") + ")");
        }
    }

    private static String item(Map<String, AttributeValue> item, String name) {
        return item.get(name).s();
    }

    /** A DynamoDB item as plain JSON, for people. */
    static ObjectNode plain(Map<String, AttributeValue> item) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        item.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> put(node, entry.getKey(), entry.getValue()));
        return node;
    }

    private static void put(ObjectNode node, String name, AttributeValue value) {
        if (value.s() != null) {
            node.put(name, value.s());
        } else if (value.n() != null) {
            node.put(name, new java.math.BigDecimal(value.n()));
        } else if (value.bool() != null) {
            node.put(name, value.bool());
        } else if (value.hasL()) {
            ArrayNode array = node.putArray(name);
            value.l().forEach(v -> array.add(v.s() != null ? v.s() : String.valueOf(v)));
        } else {
            node.put(name, String.valueOf(value));
        }
    }
}
