package com.klingvideo.pipeline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.aws.DynamoDbJobStore;
import com.klingvideo.pipeline.config.Tuning;
import com.klingvideo.pipeline.domain.JobIds;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.kling.KlingSimulator;
import com.klingvideo.pipeline.local.kling.SimulatorCounters;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * {@code local/benchmark}: a burst of N images at once through the real local stack (moto, the Lambda
 * host running the real functions, the Kling simulator with an account limit of L parallel tasks of T
 * seconds), optionally with another client holding K of the account's slots for the whole run. Prints
 * the makespan against the ideal ceil(N / (L - K)) x T, the peak of parallel Kling tasks, refused creates,
 * failed jobs, status checks, completion lag and the cost per job in state transitions and requests.
 * Not a test: a measurement, on a shared machine; compare ratios from one run.
 */
public final class BurstBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int images;
    private final Duration taskTime;
    private final int limit;
    private final int foreign;
    private final Duration timeout;

    private BurstBenchmark(int images, Duration taskTime, int limit, int foreign, Duration timeout) {
        this.images = images;
        this.taskTime = taskTime;
        this.limit = limit;
        this.foreign = foreign;
        this.timeout = timeout;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("images", "200", "task-seconds", "20", "limit", "4",
                "foreign", "0", "timeout-minutes", "60"));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println("usage: local/benchmark [--images N] [--task-seconds T] [--limit L] [--foreign K]"
                        + " [--timeout-minutes M]   (defaults 200, 20, 4, 0, 60)");
                return;
            }
            String name = arg.startsWith("--") ? arg.substring(2) : "";
            if (!options.containsKey(name) || i + 1 >= args.length) {
                System.err.println("unknown option " + arg + "; see local/benchmark --help");
                System.exit(2);
            }
            options.put(name, args[++i]);
        }
        int n = Integer.parseInt(options.get("images"));
        int l = Integer.parseInt(options.get("limit"));
        int k = Integer.parseInt(options.get("foreign"));
        if (n < 1 || l < 1 || k < 0 || k >= l) {
            System.err.println("need images >= 1, limit >= 1 and 0 <= foreign < limit");
            System.exit(2);
        }
        new BurstBenchmark(n, Duration.ofSeconds(Long.parseLong(options.get("task-seconds"))), l, k,
                Duration.ofMinutes(Long.parseLong(options.get("timeout-minutes")))).run();
    }

    private void run() throws Exception {
        RepositoryLayout repo = RepositoryLayout.locate();
        Path state = Files.createTempDirectory("kvp-benchmark");
        Path functionLog = repo.resolve(".local-stack/benchmark-functions.log");
        Files.createDirectories(functionLog.getParent());
        // The functions' JSON log lines would drown the report.
        JsonLog.redirect(new PrintStream(Files.newOutputStream(functionLog), true, StandardCharsets.UTF_8));
        // The functions' limit is the account's: the other client is what the governor must discover.
        LocalStackOptions options = LocalStackOptions.forTests(state)
                .withSimulator(KlingDialect.OFFICIAL, taskTime, limit)
                .withTuning(Map.of(Tuning.LIMIT_RAISE_QUIET_SECONDS.name(), "60"))
                .withScheduleEvery(null)
                .withOneClip();
        System.out.printf(Locale.ROOT, "burst of %d images, tasks of %d s, account limit %d%s; starting the local stack"
                + " (function logs in %s)%n", images, taskTime.toSeconds(), limit,
                foreign > 0 ? ", another client holding " + foreign : "", repo.root().relativize(functionLog));
        try (LocalStack stack = LocalStack.start(options)) {
            LocalStack.Endpoints e = stack.endpoints();
            if (foreign > 0) {
                stack.simulator().occupySlots(foreign, timeout.plus(Duration.ofHours(1)));
            }
            List<byte[]> pictures = new ArrayList<>();
            for (int i = 0; i < images; i++) {
                pictures.add(picture(i));
            }
            Map<String, Long> requestsBefore = requestCounts(e.awsEndpoint());
            Instant start = Instant.now();
            List<String> jobIds = upload(stack, pictures);
            Instant uploaded = Instant.now();
            System.out.printf(Locale.ROOT, "uploaded in %.1f s; waiting for the videos%n",
                    Duration.between(start, uploaded).toMillis() / 1000.0);
            int polls = awaitAll(stack, jobIds.size());
            Map<String, Long> requestsAfter = requestCounts(e.awsEndpoint());
            report(stack, jobIds, start, requestsBefore, requestsAfter, polls);
        }
    }

    private List<String> upload(LocalStack stack, List<byte[]> pictures) throws Exception {
        LocalStack.Endpoints e = stack.endpoints();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> puts = new ArrayList<>();
            for (int i = 0; i < pictures.size(); i++) {
                String key = e.inputPrefix() + String.format(Locale.ROOT, "burst/product-%04d.jpg", i);
                byte[] picture = pictures.get(i);
                puts.add(pool.submit(() -> {
                    PutObjectResponse put = stack.s3().putObject(b -> b.bucket(e.bucket()).key(key)
                            .contentType("image/jpeg"), RequestBody.fromBytes(picture));
                    return JobIds.forObject(e.bucket(), key, put.versionId(), put.eTag());
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> put : puts) {
                ids.add(put.get());
            }
            return ids;
        } finally {
            pool.shutdown();
        }
    }

    /** Waits until every job has ended, counting them every 2 s; returns how many count queries it made. */
    private int awaitAll(LocalStack stack, int expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        int polls = 0;
        long last = -1;
        while (Instant.now().isBefore(deadline)) {
            long ended = 0;
            for (JobStatus status : List.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.TIMED_OUT)) {
                polls++;
                ended += stack.dynamoDb().query(q -> q.tableName(stack.endpoints().table())
                        .indexName(DynamoDbJobStore.BY_STATUS_INDEX).keyConditionExpression("#s = :s")
                        .expressionAttributeNames(Map.of("#s", "status"))
                        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(status.name())))
                        .select(Select.COUNT)).count();
            }
            if (ended != last) {
                System.out.printf(Locale.ROOT, "  %d of %d done%n", ended, expected);
                last = ended;
            }
            if (ended >= expected) {
                return polls;
            }
            Thread.sleep(2000);
        }
        System.out.println("  timed out after " + timeout.toMinutes() + " minutes");
        return polls;
    }

    private void report(LocalStack stack, List<String> jobIds, Instant start, Map<String, Long> before,
            Map<String, Long> after, int polls) {
        DynamoDbJobStore store = new DynamoDbJobStore(stack.dynamoDb(), stack.endpoints().table());
        Map<String, KlingSimulator.TaskTimes> tasks = new HashMap<>();
        for (KlingSimulator.TaskTimes task : stack.simulator().taskTimes()) {
            if (task.externalTaskId() != null) {
                tasks.put(task.externalTaskId(), task);
            }
        }
        Instant last = start;
        int failed = 0;
        long checks = 0;
        List<Long> lagsMs = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        for (String jobId : jobIds) {
            Optional<Job> found = store.find(jobId);
            if (found.isEmpty()) {
                failed++;
                statuses.merge("NOT_ADMITTED", 1, Integer::sum);
                continue;
            }
            Job job = found.get();
            statuses.merge(job.status().name(), 1, Integer::sum);
            if (job.status() != JobStatus.SUCCEEDED) {
                failed++;
                continue;
            }
            checks += job.pollCount();
            if (job.completedAt().isAfter(last)) {
                last = job.completedAt();
            }
            KlingSimulator.TaskTimes task = tasks.get(jobId);
            if (task != null) {
                lagsMs.add(Duration.between(task.endsAt(), job.completedAt()).toMillis());
            }
        }
        // hand-off: from a slot freeing at Kling to the next create of ours, for every create that had to wait
        List<Long> handOffsMs = new ArrayList<>();
        List<KlingSimulator.TaskTimes> ours = new ArrayList<>(tasks.values());
        ours.sort(java.util.Comparator.comparing(KlingSimulator.TaskTimes::createdAt));
        for (int k = slots(); k < ours.size(); k++) {
            Instant created = ours.get(k).createdAt();
            ours.subList(0, k).stream().map(KlingSimulator.TaskTimes::endsAt).filter(end -> !end.isAfter(created))
                    .max(java.util.Comparator.naturalOrder())
                    .ifPresent(freed -> handOffsMs.add(Duration.between(freed, created).toMillis()));
        }
        Collections.sort(handOffsMs);
        int transitions = 0;
        int executions = 0;
        for (ExecutionListItem execution : stack.stepFunctions().listExecutionsPaginator(b -> b
                .stateMachineArn(stack.endpoints().stateMachineArn())).executions()) {
            executions++;
            for (HistoryEvent event : stack.stepFunctions().getExecutionHistoryPaginator(b -> b
                    .executionArn(execution.executionArn())).events()) {
                if (event.typeAsString().endsWith("StateEntered")) {
                    transitions++;
                }
            }
        }
        SimulatorCounters kling = stack.simulator().counters();
        int n = jobIds.size();
        int slots = slots();
        long idealSeconds = (long) Math.ceil((double) n / slots) * taskTime.toSeconds();
        double makespan = Duration.between(start, last).toMillis() / 1000.0;
        Collections.sort(lagsMs);
        long refused = kling.createsRejected().values().stream().mapToLong(Long::longValue).sum();

        Map<String, Long> requests = new TreeMap<>();
        after.forEach((key, count) -> requests.put(key, count - before.getOrDefault(key, 0L)));
        // the benchmark's own: the uploads and its completion counts
        requests.merge("s3:PUT", -(long) n, Long::sum);
        requests.merge("dynamodb:Query", -(long) polls, Long::sum);
        long dynamo = requests.entrySet().stream().filter(r -> r.getKey().startsWith("dynamodb:"))
                .mapToLong(Map.Entry::getValue).sum();
        long stepFunctions = requests.entrySet().stream().filter(r -> r.getKey().startsWith("states:"))
                .mapToLong(Map.Entry::getValue).sum();
        long s3 = requests.entrySet().stream().filter(r -> r.getKey().startsWith("s3:"))
                .mapToLong(Map.Entry::getValue).sum();
        long lambda = List.of("SubmitFunction", "CheckStatusFunction", "JobsApiFunction", "ReaperFunction").stream()
                .mapToLong(f -> stack.lambdaHost().invocations(f)).sum();

        System.out.println();
        System.out.printf(Locale.ROOT, "images %d, task time %d s, account limit %d, other client's slots %d%n",
                n, taskTime.toSeconds(), limit, foreign);
        System.out.printf(Locale.ROOT, "makespan              %.1f s (first upload to last video stored)%n", makespan);
        System.out.printf(Locale.ROOT, "ideal                 %d s = ceil(%d / %d) x %d s%n", idealSeconds, n, slots,
                taskTime.toSeconds());
        System.out.printf(Locale.ROOT, "makespan / ideal      %.3f%n", makespan / idealSeconds);
        System.out.printf(Locale.ROOT, "peak Kling tasks      %d (account-wide, the other client's included; limit %d)%n",
                kling.peakConcurrentTasks(), limit);
        System.out.printf(Locale.ROOT, "creates refused       %d (%s), %.2f%% of jobs; tasks created %d%n", refused,
                kling.createsRejected(), 100.0 * refused / n, kling.tasksCreated());
        System.out.printf(Locale.ROOT, "failed jobs           %d %s%n", failed, statuses);
        System.out.printf(Locale.ROOT, "status checks per job %.2f%n", (double) checks / Math.max(1, n - failed));
        if (!lagsMs.isEmpty()) {
            System.out.printf(Locale.ROOT, "completion lag        median %.2f s, p90 %.2f s (Kling done to SUCCEEDED)%n",
                    percentile(lagsMs, 50) / 1000.0, percentile(lagsMs, 90) / 1000.0);
        }
        if (!handOffsMs.isEmpty()) {
            System.out.printf(Locale.ROOT, "hand-off              median %.2f s, p90 %.2f s (a slot free at Kling to our next"
                    + " create)%n", percentile(handOffsMs, 50) / 1000.0, percentile(handOffsMs, 90) / 1000.0);
        }
        System.out.printf(Locale.ROOT, "state transitions     %.2f per job (%d executions)%n", (double) transitions / n,
                executions);
        System.out.printf(Locale.ROOT, "requests per job      Lambda %.2f, DynamoDB %.2f, Step Functions %.2f, S3 %.2f"
                + " (besides the upload), Kling %.2f%n", (double) lambda / n, (double) dynamo / n,
                (double) stepFunctions / n, (double) s3 / n,
                (double) (kling.tasksCreated() + refused + kling.queriesServed()) / n);
        System.out.println("requests by operation " + requests);
    }

    private int slots() {
        return limit - foreign;
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** What moto served so far, by service and operation (the launcher counts them). */
    private static Map<String, Long> requestCounts(URI aws) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(aws + "/_local/requests")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, Long> counts = new TreeMap<>();
            JsonNode node = JSON.readTree(response.body());
            node.fields().forEachRemaining(f -> counts.put(f.getKey(), f.getValue().asLong()));
            return counts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A distinct product-like photo: a coloured object on a plain background, 640 x 480. */
    private static byte[] picture(int i) {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(235, 232, 225));
        g.fillRect(0, 0, 640, 480);
        g.setColor(Color.getHSBColor((i * 0.618034f) % 1f, 0.7f, 0.85f));
        g.fillOval(200 + i % 40, 120, 240, 240);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
