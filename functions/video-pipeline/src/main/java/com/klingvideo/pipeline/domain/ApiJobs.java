package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.ImageDownloadException;
import com.klingvideo.pipeline.domain.failure.ImageKeyNotAllowedException;
import com.klingvideo.pipeline.domain.failure.InvalidJobRequestException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobOrigin;
import com.klingvideo.pipeline.model.JobPage;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.ParameterOverrides;
import com.klingvideo.pipeline.model.Priority;
import com.klingvideo.pipeline.model.S3Location;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The jobs API: create a job from an image given by URL, base64 or bucket key; read one (with its place
 * in the queue); list recent ones; see and pause the account's capacity. Requests are validated exactly
 * like uploads, but a bad request is answered (400) instead of recorded. Images given by URL or base64
 * are kept in the bucket under the API input prefix, so every job's image is an object Kling can be
 * given a presigned URL to, now and on every resubmission. Nothing here talks to Kling: jobs are
 * admitted to the queue, and the queue's side submits them.
 *
 * <p>Every job belongs to the caller that created it: a caller reads and lists only its own jobs (any
 * other id is as unknown as a missing one), its idempotency keys are its own, and it names by
 * {@code s3Key} only images under its own area of the API input prefix (where its URL and base64 images
 * are kept) or under a shared image prefix; never a video, never another caller's image.
 */
public final class ApiJobs {
    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;
    private static final int MAX_IMAGE_BYTES = (int) ImageRules.MAX_BYTES;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final JsonLog LOG = JsonLog.of(ApiJobs.class);

    private final JobStore store;
    private final MediaStore media;
    private final ImageDownloader downloader;
    private final ImageValidation images;
    private final JobLauncher launcher;
    private final SlotGovernor governor;
    private final PipelineSettings settings;
    private final Clock clock;

    public ApiJobs(JobStore store, MediaStore media, ImageDownloader downloader, ImageValidation images,
            JobLauncher launcher, SlotGovernor governor, PipelineSettings settings, Clock clock) {
        this.store = store;
        this.media = media;
        this.downloader = downloader;
        this.images = images;
        this.launcher = launcher;
        this.governor = governor;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * A job, once it succeeded a fresh URL of the stored video, and while it is live its place in the
     * queue and expected times.
     */
    public record JobView(Job job, URI videoUrl, QueuePlace place) {
    }

    /**
     * Creates a job, or returns the original one when the caller repeats an idempotency key.
     *
     * @param caller who is asking: the job is its own, and idempotency keys are scoped to it
     * @throws ImageKeyNotAllowedException when an image is named by a key the caller may not use
     * @throws InvalidJobRequestException with every problem found; nothing is stored or charged
     */
    public JobLauncher.Launch create(ApiJobRequest request, Caller caller) {
        refuseForeignKey("image", request.image(), caller);
        refuseForeignKey("imageTail", request.imageTail(), caller);
        List<FieldError> errors = new ArrayList<>();
        String key = request.idempotencyKey();
        if (key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH
                || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e))) {
            errors.add(new FieldError("idempotencyKey",
                    "must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " printable ASCII characters without spaces"));
        }
        Priority priority = Priority.NORMAL;
        if (request.priority() != null) {
            try {
                priority = Priority.parse(request.priority());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("priority", e.getMessage()));
            }
        }
        String jobId = key != null && errors.isEmpty() ? JobIds.forIdempotencyKey(caller.id(), key) : JobIds.random();
        if (key != null && errors.isEmpty()) {
            Optional<Job> original = store.find(jobId);
            if (original.isPresent()) {
                // A repeat after a failed or lost answer: make sure the original is still followed.
                launcher.resume(original.get());
                return new JobLauncher.Launch(original.get(), false);
            }
        }

        ParameterOverrides given = request.parameters() == null ? ParameterOverrides.NONE : request.parameters();
        ValidationResult<GenerationParameters> parameters = ParameterValidator.validate(
                settings.defaults().overlay(given), request.imageTail() != null);
        errors.addAll(parameters.errors());

        Prepared image = null;
        if (request.image() == null) {
            errors.add(new FieldError("image", "is required: give url, base64 or s3Key"));
        } else {
            image = prepare("image", request.image(), caller, jobId, errors);
        }
        Prepared tail = request.imageTail() == null ? null
                : prepare("imageTail", request.imageTail(), caller, jobId, errors);
        if (!errors.isEmpty()) {
            throw new InvalidJobRequestException(errors);
        }

        S3Location imageAt = image.storeIfNeeded(media);
        S3Location tailAt = tail == null ? null : tail.storeIfNeeded(media);
        Instant now = clock.instant();
        List<String> sources = given.isEmpty() ? List.of("defaults") : List.of("defaults", "request");
        Job job = Job.builder()
                .jobId(jobId)
                .status(JobStatus.QUEUED)
                .origin(JobOrigin.API)
                .owner(caller.id())
                .image(imageAt)
                .imageTail(tailAt)
                .parameters(parameters.value())
                .parameterSources(sources)
                .idempotencyKey(key)
                .priority(priority)
                .createdAt(now)
                .updatedAt(now)
                .version(1)
                .build();
        return launcher.launch(job);
    }

    /** The caller's job of that id; another caller's is as absent as a missing one. */
    public Optional<JobView> get(Caller caller, String jobId) {
        return store.find(jobId)
                .filter(job -> caller.id().equals(job.owner()))
                .map(job -> new JobView(job, videoUrl(job), governor.place(job).orElse(null)));
    }

    /** The account's capacity: slots in use, limits, queue length, pause. */
    public CapacityView capacity() {
        return governor.view();
    }

    /**
     * Pauses intake until {@link #resumeIntake()}: no create request leaves, queued jobs wait.
     *
     * @param reason what the operator said, or null. Who paused is logged by the caller, not recorded:
     *               every API key holder reads the pause's reason in {@code GET /capacity}
     */
    public CapacityView pauseIntake(String reason) {
        String said = reason == null || reason.isBlank() ? "paused by an operator" : reason.strip();
        governor.pause(said);
        return governor.view();
    }

    /** Resumes intake, whoever paused it, and starts queued jobs on the free slots. */
    public CapacityView resumeIntake() {
        governor.resume();
        return governor.view();
    }

    /** The caller's recent jobs, newest first; {@code status} may be null for all. */
    public JobPage list(Caller caller, JobStatus status, int limit, String nextToken) {
        return store.listOwned(caller.id(), status, limit, nextToken);
    }

    /** Where the API keeps the caller's images, and the one part of the API input prefix it may name. */
    private String ownPrefix(Caller caller) {
        return settings.apiInputPrefix() + caller.area() + "/";
    }

    private void refuseForeignKey(String field, ImageInput input, Caller caller) {
        if (input != null && input.s3Key() != null && !mayName(caller, input.s3Key())) {
            throw new ImageKeyNotAllowedException(field);
        }
    }

    /**
     * Whether the caller may name this key: under its own area, or under a shared prefix unless that is
     * inside the outputs or the API input prefix (a misconfigured shared prefix does not open them). A
     * {@code .} or {@code ..} segment is refused: S3 keeps it literally, but a URL path may not.
     */
    private boolean mayName(Caller caller, String key) {
        if (Arrays.stream(key.split("/", -1)).anyMatch(segment -> segment.equals(".") || segment.equals(".."))) {
            return false;
        }
        if (key.startsWith(ownPrefix(caller))) {
            return true;
        }
        if (key.startsWith(settings.outputPrefix()) || key.startsWith(settings.apiInputPrefix())) {
            return false;
        }
        return settings.sharedImagePrefixes().stream().anyMatch(key::startsWith);
    }

    private URI videoUrl(Job job) {
        if (job.status() != JobStatus.SUCCEEDED || job.video() == null) {
            return null;
        }
        return media.presignGet(new S3Location(settings.bucket(), job.video().storedKey()), settings.videoUrlTtl());
    }

    /**
     * An image ready to be referenced by a job: already in the bucket (pinned to the version that was
     * checked), or bytes to put there.
     */
    private record Prepared(S3Location location, byte[] content, String contentType) {
        /** Where the job finds the image: the version checked, or the version just written. */
        S3Location storeIfNeeded(MediaStore media) {
            return content == null ? location : media.put(location, content, contentType);
        }
    }

    private Prepared prepare(String field, ImageInput input, Caller caller, String jobId, List<FieldError> errors) {
        int given = (input.url() != null ? 1 : 0) + (input.base64() != null ? 1 : 0) + (input.s3Key() != null ? 1 : 0);
        if (given != 1) {
            errors.add(new FieldError(field, "give exactly one of url, base64 or s3Key"));
            return null;
        }
        if (input.s3Key() != null) {
            S3Location location = new S3Location(settings.bucket(), input.s3Key());
            Optional<ObjectInfo> info = media.describe(location);
            if (info.isEmpty()) {
                errors.add(new FieldError(field, field + " " + location + " does not exist"));
                return null;
            }
            List<FieldError> problems = images.checkObject(field, info.get());
            errors.addAll(problems);
            return problems.isEmpty() ? new Prepared(info.get().location(), null, null) : null;
        }
        byte[] bytes = input.base64() != null ? decode(field, input.base64(), errors) : download(field, input.url(), errors);
        if (bytes == null) {
            return null;
        }
        List<FieldError> problems = images.checkBytes(field, bytes);
        errors.addAll(problems);
        if (!problems.isEmpty()) {
            return null;
        }
        ImageFormat format = bytes.length > 0 && (bytes[0] & 0xff) == 0x89 ? ImageFormat.PNG : ImageFormat.JPEG;
        String name = field.toLowerCase(Locale.ROOT) + format.suffixes().get(0);
        return new Prepared(new S3Location(settings.bucket(), ownPrefix(caller) + jobId + "/" + name), bytes,
                format.contentType());
    }

    private static byte[] decode(String field, String base64, List<FieldError> errors) {
        String data = base64.strip();
        if (data.startsWith("data:")) {
            int comma = data.indexOf(',');
            data = comma < 0 ? "" : data.substring(comma + 1);
        }
        if ((long) data.length() * 3 / 4 > MAX_IMAGE_BYTES + 2) {
            errors.add(ImageRules.tooLarge(field, (long) data.length() * 3 / 4).orElseThrow());
            return null;
        }
        try {
            return Base64.getDecoder().decode(WHITESPACE.matcher(data).replaceAll(""));
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, field + " base64 is not valid base64"));
            return null;
        }
    }

    private byte[] download(String field, String url, List<FieldError> errors) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            errors.add(new FieldError(field, field + " url is not a valid URL"));
            return null;
        }
        try {
            return downloader.download(uri, MAX_IMAGE_BYTES);
        } catch (ImageDownloadException e) {
            // One answer for every cause, so the API cannot be used to map the network behind it.
            LOG.warn("api.image_url.failed", "field", field, "detail", e.detail());
            errors.add(new FieldError(field, field + " could not be fetched from its url: give a public https URL"
                    + " (port 443) that answers with the image within seconds", FieldError.IMAGE_URL_UNAVAILABLE));
            return null;
        } catch (MediaTooLargeException e) {
            errors.add(new FieldError(field, field + " at its url is larger than " + MAX_IMAGE_BYTES
                    + " bytes (10 MiB), the most that is accepted"));
            return null;
        }
    }
}
