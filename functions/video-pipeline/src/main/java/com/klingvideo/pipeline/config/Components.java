package com.klingvideo.pipeline.config;

import com.klingvideo.pipeline.aws.AwsClients;
import com.klingvideo.pipeline.aws.DynamoDbJobStore;
import com.klingvideo.pipeline.aws.HttpImageDownloader;
import com.klingvideo.pipeline.aws.S3MediaStore;
import com.klingvideo.pipeline.aws.SecretsManagerKlingCredentials;
import com.klingvideo.pipeline.aws.StepFunctionsWorkflow;
import com.klingvideo.pipeline.domain.ApiJobs;
import com.klingvideo.pipeline.domain.ImageDownloader;
import com.klingvideo.pipeline.domain.ImageTransport;
import com.klingvideo.pipeline.domain.ImageValidation;
import com.klingvideo.pipeline.domain.JobLauncher;
import com.klingvideo.pipeline.domain.JobStore;
import com.klingvideo.pipeline.domain.JobSubmitter;
import com.klingvideo.pipeline.domain.MediaStore;
import com.klingvideo.pipeline.domain.ParameterSources;
import com.klingvideo.pipeline.domain.PipelineSettings;
import com.klingvideo.pipeline.domain.PollPolicy;
import com.klingvideo.pipeline.domain.StatusChecker;
import com.klingvideo.pipeline.domain.SubmitRetryPolicy;
import com.klingvideo.pipeline.domain.UploadIntake;
import com.klingvideo.pipeline.domain.VideoGenerator;
import com.klingvideo.pipeline.domain.Workflow;
import com.klingvideo.pipeline.kling.KlingClient;
import com.klingvideo.pipeline.kling.KlingClientSettings;
import com.klingvideo.pipeline.kling.KlingDialect;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The composition root: the one place that reads the environment and builds clients, once per
 * container (handlers keep what it returns in a static field, so SnapStart snapshots built clients
 * but no credentials or tokens: those are fetched on first use).
 */
public final class Components {
    private static volatile Components fromEnvironment;

    private final UploadIntake uploadIntake;
    private final StatusChecker statusChecker;
    private final ApiJobs apiJobs;

    public Components(UploadIntake uploadIntake, StatusChecker statusChecker, ApiJobs apiJobs) {
        this.uploadIntake = uploadIntake;
        this.statusChecker = statusChecker;
        this.apiJobs = apiJobs;
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

    /** Builds every component from the given environment; the state machine ARN is only needed to start jobs. */
    public static Components build(Map<String, String> environment, Clock clock) {
        Settings env = new Settings(environment);
        AwsClients aws = AwsClients.fromEnvironment(environment);

        PipelineSettings settings = pipelineSettings(env);
        JobStore store = new DynamoDbJobStore(aws.dynamoDb(), env.required("JOBS_TABLE"));
        MediaStore media = new S3MediaStore(aws.s3(), aws.s3Presigner(), downloads());
        VideoGenerator kling = new KlingClient(
                new KlingClientSettings(
                        KlingDialect.parse(env.optional("KLING_API_STYLE", "official")),
                        URI.create(env.optional("KLING_BASE_URL", "https://api-singapore.klingai.com")),
                        Duration.ofMillis(env.number("KLING_CONNECT_TIMEOUT_MS", 5_000, 100, 60_000)),
                        Duration.ofMillis(env.number("KLING_READ_TIMEOUT_MS", 30_000, 100, 120_000))),
                new SecretsManagerKlingCredentials(aws.secretsManager(), env.required("KLING_SECRET_ARN"), clock,
                        Duration.ofMinutes(5)),
                clock);
        String stateMachineArn = env.orNull("STATE_MACHINE_ARN");
        Workflow workflow = stateMachineArn != null
                ? new StepFunctionsWorkflow(aws.stepFunctions(), stateMachineArn.trim())
                : (jobId, firstWaitSeconds) -> {
                    throw new IllegalStateException("environment variable STATE_MACHINE_ARN is not set: "
                            + "this function cannot start jobs");
                };

        PollPolicy pollPolicy = new PollPolicy(
                env.seconds("POLL_MIN_INTERVAL_SECONDS", PollPolicy.DEFAULT_MIN_INTERVAL.toSeconds(), 1, 3600),
                env.seconds("POLL_MAX_INTERVAL_SECONDS", PollPolicy.DEFAULT_MAX_INTERVAL.toSeconds(), 1, 3600),
                env.minutes("MAX_POLL_MINUTES", PollPolicy.DEFAULT_MAX_TOTAL.toMinutes(), 1, 300),
                env.orNull("POLL_FIRST_WAIT_SECONDS") == null ? null
                        : env.seconds("POLL_FIRST_WAIT_SECONDS", 60, 1, 3600));
        SubmitRetryPolicy retryPolicy = new SubmitRetryPolicy(
                SubmitRetryPolicy.MIN_DELAY,
                env.seconds("SUBMIT_RETRY_BASE_SECONDS", SubmitRetryPolicy.DEFAULT_BASE_DELAY.toSeconds(), 1, 3600),
                env.seconds("SUBMIT_RETRY_MAX_SECONDS", SubmitRetryPolicy.DEFAULT_MAX_DELAY.toSeconds(), 1, 3600),
                env.minutes("SUBMIT_DEADLINE_MINUTES", SubmitRetryPolicy.DEFAULT_DEADLINE.toMinutes(), 1, 1440),
                new LazyJitter());

        ImageValidation images = new ImageValidation(media);
        JobSubmitter submitter = new JobSubmitter(store, kling, media, retryPolicy, pollPolicy, settings, clock);
        JobLauncher launcher = new JobLauncher(store, submitter, workflow, settings);
        return new Components(
                new UploadIntake(store, media, images, launcher, settings, clock),
                new StatusChecker(store, kling, media, submitter, pollPolicy, settings, clock),
                new ApiJobs(store, media, imageDownloader(env), images, launcher, settings, clock));
    }

    static PipelineSettings pipelineSettings(Settings env) {
        return new PipelineSettings(
                env.required("MEDIA_BUCKET"),
                env.optional("INPUT_PREFIX", "inputs/"),
                env.optional("OUTPUT_PREFIX", "outputs/"),
                env.optional("API_INPUT_PREFIX", "api-inputs/"),
                ParameterSources.fromDefaults(
                        env.orNull("DEFAULT_MODEL"),
                        env.orNull("DEFAULT_MODE"),
                        env.orNull("DEFAULT_DURATION"),
                        env.orNull("DEFAULT_PROMPT"),
                        env.orNull("DEFAULT_NEGATIVE_PROMPT"),
                        env.orNull("DEFAULT_CFG_SCALE"),
                        env.orNull("DEFAULT_ASPECT_RATIO")),
                ImageTransport.parse(env.optional("IMAGE_TRANSPORT", "url")),
                env.seconds("PRESIGN_TTL_SECONDS", 900, 60, 7 * 24 * 3600),
                env.seconds("VIDEO_URL_TTL_SECONDS", 3600, 60, 7 * 24 * 3600),
                env.seconds("RESUME_WAIT_SECONDS", 60, 1, 3600));
    }

    private static HttpClient downloads() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    private static ImageDownloader imageDownloader(Settings env) {
        return new HttpImageDownloader(Duration.ofSeconds(5), Duration.ofSeconds(20),
                "true".equalsIgnoreCase(env.optional("ALLOW_HTTP_IMAGE_URLS", "false")));
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
}
