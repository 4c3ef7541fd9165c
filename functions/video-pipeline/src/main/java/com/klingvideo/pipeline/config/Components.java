package com.klingvideo.pipeline.config;

import com.klingvideo.pipeline.aws.AwsClients;
import com.klingvideo.pipeline.aws.DynamoDbCapacityStore;
import com.klingvideo.pipeline.aws.DynamoDbJobStore;
import com.klingvideo.pipeline.aws.HttpImageDownloader;
import com.klingvideo.pipeline.aws.S3MediaStore;
import com.klingvideo.pipeline.aws.SecretsManagerKlingCredentials;
import com.klingvideo.pipeline.aws.StepFunctionsWorkflow;
import com.klingvideo.pipeline.domain.ApiJobs;
import com.klingvideo.pipeline.domain.CapacityPolicy;
import com.klingvideo.pipeline.domain.CapacityStore;
import com.klingvideo.pipeline.domain.ImageTransport;
import com.klingvideo.pipeline.domain.ImageValidation;
import com.klingvideo.pipeline.domain.JobLauncher;
import com.klingvideo.pipeline.domain.JobStore;
import com.klingvideo.pipeline.domain.JobSubmitter;
import com.klingvideo.pipeline.domain.MediaStore;
import com.klingvideo.pipeline.domain.ParameterSources;
import com.klingvideo.pipeline.domain.PipelineSettings;
import com.klingvideo.pipeline.domain.PollPolicy;
import com.klingvideo.pipeline.domain.Reaper;
import com.klingvideo.pipeline.domain.SlotGovernor;
import com.klingvideo.pipeline.domain.StatusChecker;
import com.klingvideo.pipeline.domain.SubmitRetryPolicy;
import com.klingvideo.pipeline.domain.UploadIntake;
import com.klingvideo.pipeline.domain.VideoGenerator;
import com.klingvideo.pipeline.domain.Workflow;
import com.klingvideo.pipeline.kling.KlingClient;
import com.klingvideo.pipeline.kling.KlingClientSettings;
import com.klingvideo.pipeline.kling.KlingDialect;
import com.klingvideo.pipeline.outbound.GuardedHttpClient;
import com.klingvideo.pipeline.outbound.HostResolver;
import com.klingvideo.pipeline.outbound.OutboundGuard;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The composition root: the one place that reads the environment and builds clients, once per
 * container (handlers keep what it returns in a static field, so SnapStart snapshots built clients
 * but no credentials or tokens: those are fetched on first use). A function without
 * {@code KLING_SECRET_ARN} gets no Kling client at all; one without {@code STATE_MACHINE_ARN} cannot
 * start executions.
 */
public final class Components {
    /**
     * Most turns of the wait-and-check loop one execution may take (status checks plus submit attempts).
     * A turn writes about 9 history events (Wait, Task, Choice), so this keeps every execution under a
     * half of Step Functions' 25,000-event history, whatever the settings.
     */
    public static final int MAX_LOOP_TURNS = 1_300;
    /**
     * The whole download of an image named in {@code POST /jobs}: well inside API Gateway's 29 s, with
     * time left to validate and store it.
     */
    static final Duration IMAGE_DOWNLOAD_DEADLINE = Duration.ofSeconds(15);
    /** The whole copy of a finished video into the bucket, inside CheckStatusFunction's 60 s. */
    static final Duration VIDEO_DOWNLOAD_DEADLINE = Duration.ofSeconds(45);
    private static volatile Components fromEnvironment;

    private final UploadIntake uploadIntake;
    private final StatusChecker statusChecker;
    private final ApiJobs apiJobs;
    private final Reaper reaper;

    public Components(UploadIntake uploadIntake, StatusChecker statusChecker, ApiJobs apiJobs, Reaper reaper) {
        this.uploadIntake = uploadIntake;
        this.statusChecker = statusChecker;
        this.apiJobs = apiJobs;
        this.reaper = reaper;
    }

    /** The components of this container, built from the process environment on first use. */
    public static Components fromEnvironment() {
        Components local = fromEnvironment;
        if (local == null) {
            synchronized (Components.class) {
                local = fromEnvironment;
                if (local == null) {
                    local = build(System.getenv(), Clock.systemUTC());
                    fromEnvironment = local;
                }
            }
        }
        return local;
    }

    /** Builds every component from the given environment. */
    public static Components build(Map<String, String> environment, Clock clock) {
        Settings env = new Settings(environment);
        AwsClients aws = AwsClients.fromEnvironment(environment);

        PipelineSettings settings = pipelineSettings(env);
        JobStore store = new DynamoDbJobStore(aws.dynamoDb(), env.required("JOBS_TABLE"),
                Duration.ofDays(env.number(Tuning.FINISHED_JOB_TTL_DAYS)));
        CapacityStore capacity = new DynamoDbCapacityStore(aws.dynamoDb(), env.required("CAPACITY_TABLE"));
        // Every URL fetched on someone else's word (a caller's image, Kling's video) goes through one guard.
        GuardedHttpClient outbound = new GuardedHttpClient(
                new OutboundGuard(HostResolver.SYSTEM, env.number(Tuning.ALLOW_LOOPBACK_URLS) == 1));
        MediaStore media = new S3MediaStore(aws.s3(), aws.s3Presigner(), outbound, VIDEO_DOWNLOAD_DEADLINE);
        String secretArn = env.orNull("KLING_SECRET_ARN");
        KlingDialect dialect = KlingDialect.parse(env.optional("KLING_API_STYLE", "official"));
        if (secretArn != null && dialect == KlingDialect.GATEWAY && settings.defaults().prompt() == null) {
            // a job without a prompt of its own would be refused by the gateway after being admitted
            throw new IllegalStateException("environment variable DEFAULT_PROMPT is not set; KLING_API_STYLE=gateway"
                    + " requires a prompt on every request");
        }
        VideoGenerator kling = secretArn == null ? new NoKlingAccess() : new KlingClient(
                new KlingClientSettings(
                        dialect,
                        URI.create(env.optional("KLING_BASE_URL", "https://api-singapore.klingai.com")),
                        Duration.ofMillis(env.number(Tuning.KLING_CONNECT_TIMEOUT_MS)),
                        Duration.ofMillis(env.number(Tuning.KLING_READ_TIMEOUT_MS))),
                new SecretsManagerKlingCredentials(aws.secretsManager(), secretArn.trim(), clock, Duration.ofMinutes(5)),
                clock);
        String stateMachineArn = env.orNull("STATE_MACHINE_ARN");
        Workflow workflow = stateMachineArn != null
                ? new StepFunctionsWorkflow(aws.stepFunctions(), stateMachineArn.trim())
                : new NoWorkflow();

        PollPolicy pollPolicy = new PollPolicy(
                env.seconds(Tuning.POLL_MIN_INTERVAL_SECONDS),
                env.seconds(Tuning.POLL_MAX_INTERVAL_SECONDS),
                env.minutes(Tuning.MAX_POLL_MINUTES),
                env.orNull(Tuning.POLL_FIRST_WAIT_SECONDS.name()) == null ? null
                        : env.seconds(Tuning.POLL_FIRST_WAIT_SECONDS));
        SubmitRetryPolicy retryPolicy = new SubmitRetryPolicy(
                SubmitRetryPolicy.MIN_DELAY,
                env.seconds(Tuning.SUBMIT_RETRY_BASE_SECONDS),
                env.seconds(Tuning.SUBMIT_RETRY_MAX_SECONDS),
                env.minutes(Tuning.SUBMIT_DEADLINE_MINUTES),
                new LazyJitter());
        int turns = pollPolicy.maxChecks() + retryPolicy.maxAttempts();
        if (turns > MAX_LOOP_TURNS) {
            throw new IllegalStateException("POLL_MIN_INTERVAL_SECONDS, POLL_MAX_INTERVAL_SECONDS, MAX_POLL_MINUTES"
                    + " and SUBMIT_DEADLINE_MINUTES allow one execution " + turns + " turns of its loop; keep them"
                    + " under " + MAX_LOOP_TURNS + " (longer intervals or shorter limits) so its history stays far"
                    + " from Step Functions' 25,000 events");
        }
        CapacityPolicy capacityPolicy = new CapacityPolicy(
                (int) env.number(Tuning.KLING_CONCURRENCY_LIMIT),
                Duration.ofHours(env.number(Tuning.MAX_QUEUE_HOURS)),
                env.seconds(Tuning.LIMIT_RAISE_QUIET_SECONDS),
                env.seconds(Tuning.INTAKE_PROBE_SECONDS));

        ImageValidation images = new ImageValidation(media);
        SlotGovernor governor = new SlotGovernor(capacity, store, workflow, capacityPolicy, clock);
        JobSubmitter submitter = new JobSubmitter(store, kling, media, governor, retryPolicy, pollPolicy, settings,
                clock);
        JobLauncher launcher = new JobLauncher(store, governor);
        return new Components(
                new UploadIntake(store, media, images, launcher, settings, clock),
                new StatusChecker(store, kling, media, submitter, governor, pollPolicy, settings, clock),
                new ApiJobs(store, media, new HttpImageDownloader(outbound, IMAGE_DOWNLOAD_DEADLINE), images, launcher,
                        governor, settings, clock),
                new Reaper(capacity, store, governor, retryPolicy.deadline().plus(pollPolicy.maxTotal()), clock));
    }

    static PipelineSettings pipelineSettings(Settings env) {
        return new PipelineSettings(
                env.required("MEDIA_BUCKET"),
                env.optional("INPUT_PREFIX", "inputs/"),
                env.optional("OUTPUT_PREFIX", "outputs/"),
                env.optional("API_INPUT_PREFIX", "api-inputs/"),
                sharedImagePrefixes(env.optional("API_SHARED_IMAGE_PREFIXES", "")),
                ParameterSources.fromDefaults(
                        env.orNull("DEFAULT_MODEL"),
                        env.orNull("DEFAULT_MODE"),
                        env.orNull("DEFAULT_DURATION"),
                        env.orNull("DEFAULT_PROMPT"),
                        env.orNull("DEFAULT_NEGATIVE_PROMPT"),
                        env.orNull("DEFAULT_CFG_SCALE"),
                        env.orNull("DEFAULT_ASPECT_RATIO")),
                ImageTransport.parse(env.optional("IMAGE_TRANSPORT", "url")),
                env.seconds(Tuning.PRESIGN_TTL_SECONDS),
                env.seconds(Tuning.VIDEO_URL_TTL_SECONDS));
    }

    /** A comma-separated list of key prefixes, each ending with {@code /}. */
    static List<String> sharedImagePrefixes(String list) {
        List<String> prefixes = Arrays.stream(list.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
        for (String prefix : prefixes) {
            if (!prefix.endsWith("/") || prefix.startsWith("/")) {
                throw new IllegalStateException("environment variable API_SHARED_IMAGE_PREFIXES: " + prefix
                        + " is not a key prefix ending with /");
            }
        }
        return prefixes;
    }

    /** Workflow of a function without a state machine: it cannot start or inspect executions. */
    private static final class NoWorkflow implements Workflow {
        @Override
        public Start start(String executionName, String jobId, long firstWaitSeconds) {
            throw missing();
        }

        @Override
        public State state(String executionName) {
            throw missing();
        }

        private static IllegalStateException missing() {
            return new IllegalStateException("environment variable STATE_MACHINE_ARN is not set: "
                    + "this function cannot start jobs");
        }
    }

    public UploadIntake uploadIntake() {
        return uploadIntake;
    }

    public StatusChecker statusChecker() {
        return statusChecker;
    }

    public ApiJobs apiJobs() {
        return apiJobs;
    }

    public Reaper reaper() {
        return reaper;
    }
}
