package com.klingvideo.pipeline.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.aws.AwsClients;
import com.klingvideo.pipeline.config.Tuning;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.local.api.RestApi;
import com.klingvideo.pipeline.local.api.LocalApi;
import com.klingvideo.pipeline.local.kling.KlingSimulator;
import com.klingvideo.pipeline.local.kling.SimulatorConfig;
import com.klingvideo.pipeline.local.lambda.FailedEvent;
import com.klingvideo.pipeline.local.lambda.LambdaHost;
import com.klingvideo.pipeline.local.lambda.LocalFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole pipeline on one machine: moto (AWS), the Lambda host (the real handlers), the local API and
 * Kling (the simulator, or a real endpoint), with the template's resources created in moto. Every
 * process and server it starts is stopped by {@link #close()}.
 */
public final class LocalStack implements AutoCloseable {
    /** Dummy credentials: moto accepts any, and nothing here can reach AWS. */
    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";
    private static final String SECRET_NAME = "kling-video-pipeline-local/kling";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final LocalStackOptions options;
    private KlingSimulator simulator;
    private LambdaHost lambdaHost;
    private MotoServer moto;
    private LocalApi api;
    private Endpoints endpoints;
    private S3Client s3;
    private DynamoDbClient dynamo;
    private SfnClient sfn;
    private SqsClient sqs;

    /**
     * Where everything is; also written to {@code endpoints.json} in the state directory.
     *
     * @param apiKey         the API key of one caller
     * @param otherApiKey    the API key of a second caller, who sees none of the first one's jobs
     * @param klingSimulated true when Kling is the local simulator
     */
    public record Endpoints(
            URI awsEndpoint,
            String region,
            String accessKeyId,
            String secretAccessKey,
            URI lambdaEndpoint,
            URI apiUrl,
            String apiKey,
            String otherApiKey,
            String bucket,
            String inputPrefix,
            String outputPrefix,
            String table,
            String capacityTable,
            String stateMachineArn,
            String secretArn,
            String deadLetterQueueUrl,
            URI klingUrl,
            String klingStyle,
            boolean klingSimulated) {
    }

    private LocalStack(LocalStackOptions options) {
        this.options = options;
    }

    /** Starts everything; on any failure, stops what was started and rethrows. */
    public static LocalStack start(LocalStackOptions options) {
        LocalStack stack = new LocalStack(options);
        try {
            stack.boot();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void boot() {
        RepositoryLayout repo = RepositoryLayout.locate();
        SamTemplate template = SamTemplate.read(repo.template());
        String host = options.host();

        URI klingUrl;
        KlingEndpoint kling = options.kling();
        if (kling == null) {
            kling = simulatorKeys(options.simulatorDialect());
            SimulatorConfig.Builder config = options.simulatorDialect() == KlingDialect.OFFICIAL
                    ? SimulatorConfig.official(kling.accessKey(), kling.secretKey())
                    : SimulatorConfig.gateway(kling.apiKey());
            simulator = remember(new KlingSimulator(config.port(options.klingPort())
                    .taskLatency(options.simulatorLatency())
                    .maxConcurrentTasks(options.simulatorConcurrency())
                    .oneClip(options.simulatorOneClip())
                    .build()).start());
            klingUrl = simulator.baseUrl();
        } else {
            klingUrl = kling.baseUrl();
        }

        lambdaHost = remember(new LambdaHost(host, options.lambdaPort()).start());
        moto = remember(MotoServer.start(repo, host, FreePorts.resolve(host, options.awsPort()), lambdaHost.endpoint(),
                options.stateDir().resolve("moto.log")));

        // What Lambda puts in every function's environment; the stack's own clients are built from it too.
        Map<String, String> runtime = Map.of(
                "AWS_REGION", CloudFormationStack.REGION,
                "AWS_DEFAULT_REGION", CloudFormationStack.REGION,
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_ENDPOINT_URL", moto.endpoint().toString());
        AwsClients aws = remember(AwsClients.fromEnvironment(runtime));
        s3 = aws.s3();
        dynamo = aws.dynamoDb();
        sfn = aws.stepFunctions();
        SecretsManagerClient secrets = aws.secretsManager();
        sqs = remember(SqsClient.builder()
                .httpClient(remember(UrlConnectionHttpClient.create()))
                .region(Region.of(CloudFormationStack.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .endpointOverride(moto.endpoint())
                .build());

        String secretString = kling.secretJson();
        String secretArn = secrets.createSecret(b -> b.name(SECRET_NAME).secretString(secretString)).arn();

        Map<String, String> parameters = new LinkedHashMap<>(options.parameterOverrides());
        parameters.put("KlingApiStyle", kling.dialect().name().toLowerCase());
        parameters.put("KlingBaseUrl", klingUrl.toString());
        parameters.put("KlingSecretArn", secretArn);
        for (String name : parameters.keySet()) {
            if (!template.root().path("Parameters").has(name)) {
                throw new IllegalArgumentException("template has no parameter " + name);
            }
        }
        CloudFormationStack stack = CloudFormationStack.deploy(repo, moto.endpoint(), parameters);
        Map<String, String> tuning = new LinkedHashMap<>(options.functionTuning());
        // Images and videos are served on 127.0.0.1 here (the simulator's videos, tests' image hosts): let the
        // functions' outbound guard reach loopback over http. Off in the template, so never in AWS.
        tuning.putIfAbsent(Tuning.ALLOW_LOOPBACK_URLS.name(), "1");
        if (simulator != null) {
            // The functions' limit is the simulated account's, unless a test says otherwise.
            tuning.putIfAbsent(Tuning.KLING_CONCURRENCY_LIMIT.name(), Integer.toString(options.simulatorConcurrency()));
        }

        Map<String, CloudFormationStack.Function> functions = new LinkedHashMap<>();
        for (CloudFormationStack.Function deployed : stack.functions()) {
            Map<String, String> env = new HashMap<>(deployed.environment());
            env.putAll(runtime);
            env.put("AWS_LAMBDA_FUNCTION_NAME", deployed.name());
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(deployed.memorySize()));
            env.putAll(tuning);
            lambdaHost.register(new LocalFunction(deployed.name(), deployed.handler(), env, deployed.timeout(),
                    deployed.maximumRetryAttempts()));
            functions.put(deployed.name(), deployed);
        }
        lambdaHost.onRetriesExhausted(failed -> {
            CloudFormationStack.Function function = functions.get(failed.functionName());
            deadLetter(failed, function.arn(), function.onFailureQueueUrl());
        });
        String stateMachineArn = stack.output("StateMachineArn");
        for (CloudFormationStack.Function function : functions.values()) {
            if (!stateMachineArn.equals(function.environment().get("STATE_MACHINE_ARN"))) {
                throw new IllegalStateException("moto named the state machine " + stateMachineArn + ", not what "
                        + function.name() + " was told");
            }
        }

        remember(new LocalScheduler(lambdaHost, stack.schedules(), options.scheduleEvery()));

        String apiKey = "local-" + randomHex(16);
        String otherApiKey = "local-" + randomHex(16);
        LocalApi.IamCredentials operator = new LocalApi.IamCredentials(CloudFormationStack.REGION, ACCESS_KEY, SECRET_KEY,
                "arn:aws:iam::" + CloudFormationStack.ACCOUNT + ":user/local-operator", CloudFormationStack.ACCOUNT);
        api = remember(new LocalApi(lambdaHost, RestApi.fromTemplate(template, parameters), Map.of(apiKey, "local-api-key", otherApiKey, "local-api-key-2"),
                operator, host, options.apiPort()).start());

        endpoints = new Endpoints(moto.endpoint(), CloudFormationStack.REGION, ACCESS_KEY, SECRET_KEY, lambdaHost.endpoint(),
                api.endpoint(), apiKey, otherApiKey, stack.output("MediaBucketName"), parameter(template, parameters, "InputPrefix"),
                parameter(template, parameters, "OutputPrefix"), stack.output("JobsTableName"), stack.output("CapacityTableName"),
                stateMachineArn, secretArn, stack.output("DeadLetterQueueUrl"), klingUrl,
                kling.dialect().name().toLowerCase(), simulator != null);
        writeEndpoints();
    }

    private static String parameter(SamTemplate template, Map<String, String> parameters, String name) {
        return parameters.getOrDefault(name, template.root().path("Parameters").path(name).path("Default").asText());
    }

    /** What Lambda sends to an SQS on-failure destination when an event's retries are exhausted. */
    private void deadLetter(FailedEvent failed, String functionArn, String queueUrl) {
        if (queueUrl == null) {
            return;
        }
        ObjectMapper json = new ObjectMapper();
        try {
            ObjectNode record = json.createObjectNode();
            record.put("version", "1.0");
            record.put("timestamp", java.time.Instant.now().toString());
            record.putObject("requestContext")
                    .put("requestId", failed.requestId())
                    .put("functionArn", functionArn)
                    .put("condition", "RetriesExhausted")
                    .put("approximateInvokeCount", failed.attempts());
            record.set("requestPayload", json.readTree(failed.payload()));
            record.putObject("responseContext")
                    .put("statusCode", 200)
                    .put("executedVersion", "$LATEST")
                    .put("functionError", "Unhandled");
            record.set("responsePayload", json.readTree(failed.result().payload()));
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(record.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the dead-letter record", e);
        }
    }

    private static KlingEndpoint simulatorKeys(KlingDialect dialect) {
        return dialect == KlingDialect.OFFICIAL
                ? new KlingEndpoint(null, dialect, "ak-local-" + randomHex(8), randomHex(24), null)
                : new KlingEndpoint(null, dialect, null, null, "sk-local-" + randomHex(16));
    }

    private void writeEndpoints() {
        try {
            Files.createDirectories(options.stateDir());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(endpointsFile().toFile(), endpoints);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + endpointsFile(), e);
        }
    }

    public Path endpointsFile() {
        return options.stateDir().resolve("endpoints.json");
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private <T extends AutoCloseable> T remember(T resource) {
        started.push(resource);
        return resource;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /** The Kling simulator, or null when a real endpoint is used. */
    public KlingSimulator simulator() {
        return simulator;
    }

    public LambdaHost lambdaHost() {
        return lambdaHost;
    }

    public MotoServer moto() {
        return moto;
    }

    /** Clients of the stack's own, pointed at moto (tests use them; close them with the stack). */
    public S3Client s3() {
        return s3;
    }

    public DynamoDbClient dynamoDb() {
        return dynamo;
    }

    public SfnClient stepFunctions() {
        return sfn;
    }

    public SqsClient sqs() {
        return sqs;
    }

    /** Stops everything started, newest first; safe to call twice. */
    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("stopping " + resource.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
