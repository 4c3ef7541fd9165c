package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.InvalidSidecarException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.log.JsonLog;
import com.klingvideo.pipeline.model.Failure;
import com.klingvideo.pipeline.model.FailureCode;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobOrigin;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.ParameterOverrides;
import com.klingvideo.pipeline.model.S3Location;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns objects created under the input prefix into jobs.
 *
 * <p>An image (a suffix of {@link ImageFormat}, in any case) becomes one job per stored version; every other
 * object but a sidecar is ignored. The bucket notifies on every object under the input prefix, so this is
 * where the suffixes are matched (S3's suffix filters are case-sensitive).
 * Its parameters are, from bottom to top: the template defaults, the object's metadata, and the JSON
 * sidecar with the same base name ({@code inputs/cat.jpg} → {@code inputs/cat.json}).
 *
 * <p>The sidecar rule: <b>the sidecar is read when the image's job is admitted</b>, so upload the sidecar
 * first. A sidecar that arrives after its image's job was admitted is not applied (the job may already be
 * with Kling, and a second job would be charged twice); the job gets a note saying so, and uploading the
 * image again makes a new job that uses it. A sidecar whose image is not there yet waits for it.
 */
public final class UploadIntake {
    static final int MAX_SIDECAR_BYTES = 64 * 1024;
    private static final String SIDECAR_SUFFIX = ".json";
    private static final String NOT_AN_UPLOAD = "not " + String.join(", ", ImageFormat.allSuffixes()) + " or "
            + SIDECAR_SUFFIX + " (any case)";
    private static final JsonLog LOG = JsonLog.of(UploadIntake.class);

    private final JobStore store;
    private final MediaStore media;
    private final ImageValidation images;
    private final JobLauncher launcher;
    private final PipelineSettings settings;
    private final Clock clock;

    public UploadIntake(JobStore store, MediaStore media, ImageValidation images, JobLauncher launcher,
            PipelineSettings settings, Clock clock) {
        this.store = store;
        this.media = media;
        this.images = images;
        this.launcher = launcher;
        this.settings = settings;
        this.clock = clock;
    }

    /** What became of one created object. */
    public enum Result {
        ADMITTED,
        REJECTED,
        DUPLICATE,
        SIDECAR_WAITING,
        SIDECAR_LATE,
        IGNORED
    }

    /**
     * Handles one ObjectCreated notification.
     *
     * @param key       the decoded object key
     * @param versionId the version id from the event, or null
     * @param eTag      the ETag from the event
     */
    public Result onObjectCreated(String bucket, String key, String versionId, String eTag) {
        if (!key.startsWith(settings.inputPrefix())) {
            LOG.warn("upload.ignored", "bucket", bucket, "key", key, "reason", "outside the input prefix");
            return Result.IGNORED;
        }
        if (ImageFormat.ofKey(key).isPresent()) {
            return onImage(bucket, key, versionId, eTag);
        }
        if (key.toLowerCase(Locale.ROOT).endsWith(SIDECAR_SUFFIX)) {
            return onSidecar(new S3Location(bucket, key));
        }
        // Info, not a warning: the notification covers the whole prefix, so other files are expected here.
        LOG.info("upload.ignored", "bucket", bucket, "key", key, "reason", NOT_AN_UPLOAD);
        return Result.IGNORED;
    }

    private Result onImage(String bucket, String key, String versionId, String eTag) {
        // Pinned to the version the event names: a later upload to the same key is another job.
        S3Location image = new S3Location(bucket, key, versionId);
        String jobId = JobIds.forObject(bucket, key, versionId, eTag);
        Optional<Job> existing = store.find(jobId);
        if (existing.isPresent()) {
            LOG.info("upload.duplicate", "jobId", jobId, "bucket", bucket, "key", key);
            launcher.resume(existing.get());
            return Result.DUPLICATE;
        }
        Instant now = clock.instant();
        Job.Builder job = Job.builder()
                .jobId(jobId)
                .origin(JobOrigin.UPLOAD)
                .image(image)
                .createdAt(now)
                .updatedAt(now)
                .version(1);

        List<FieldError> errors = new ArrayList<>();
        List<String> sources = new ArrayList<>(List.of("defaults"));
        ParameterOverrides resolved = settings.defaults();

        Optional<ObjectInfo> info = media.describe(image);
        if (info.isEmpty()) {
            errors.add(new FieldError("image", image + " was deleted before it could be processed"));
        } else {
            ParameterOverrides metadata = ParameterSources.fromMetadata(info.get().metadata());
            if (!metadata.isEmpty()) {
                resolved = resolved.overlay(metadata);
                sources.add("metadata");
            }
        }
        S3Location sidecar = sidecarOf(image);
        try {
            Optional<ObjectInfo> sidecarInfo = media.describe(sidecar);
            if (sidecarInfo.isPresent()) {
                Optional<byte[]> json = media.readIfExists(sidecarInfo.get().location(), MAX_SIDECAR_BYTES);
                if (json.isPresent()) {
                    resolved = resolved.overlay(ParameterSources.fromSidecar(json.get()));
                    sources.add(sidecarSource(sidecarInfo.get()));
                }
            }
        } catch (InvalidSidecarException | MediaTooLargeException e) {
            errors.add(new FieldError("sidecar", sidecar + ": " + e.getMessage()));
        }

        ValidationResult<GenerationParameters> parameters = ParameterValidator.validate(resolved);
        errors.addAll(parameters.errors());
        if (info.isPresent()) {
            errors.addAll(images.checkObject("image", info.get()));
        }
        if (resolved.imageTailKey() != null && !resolved.imageTailKey().isBlank()) {
            S3Location tail = new S3Location(bucket, resolved.imageTailKey());
            Optional<ObjectInfo> tailInfo = media.describe(tail);
            if (tailInfo.isEmpty()) {
                job.imageTail(tail);
                errors.add(new FieldError("imageTail", "imageTail " + tail + " does not exist"));
            } else {
                // the end frame is pinned to the version checked now, like the image
                job.imageTail(tailInfo.get().location());
                errors.addAll(images.checkObject("imageTail", tailInfo.get()));
            }
        }
        job.parameterSources(sources);
        if (parameters.isValid()) {
            job.parameters(parameters.value());
        }

        if (!errors.isEmpty()) {
            Failure failure = new Failure(FailureCode.INVALID_INPUT, FieldError.describe(errors));
            Instant failedAt = clock.instant();
            JobLauncher.Launch launch = launcher.launch(job.status(JobStatus.FAILED).failure(failure)
                    .completedAt(failedAt).build());
            LOG.warn("upload.rejected", "jobId", jobId, "bucket", bucket, "key", key, "reason", failure.reason());
            return launch.created() ? Result.REJECTED : Result.DUPLICATE;
        }
        JobLauncher.Launch launch = launcher.launch(job.status(JobStatus.QUEUED).build());
        return launch.created() ? Result.ADMITTED : Result.DUPLICATE;
    }

    /**
     * A sidecar arrived: if its image already has a job that did not read this sidecar, say so on the job.
     * Nothing else happens: the image's own event reads the sidecar when it is admitted.
     */
    private Result onSidecar(S3Location sidecar) {
        Optional<ObjectInfo> sidecarInfo = media.describe(sidecar);
        if (sidecarInfo.isEmpty()) {
            return Result.IGNORED;
        }
        String base = sidecar.key().substring(0, sidecar.key().length() - SIDECAR_SUFFIX.length());
        boolean imageFound = false;
        for (String suffix : imageSuffixCases()) {
            Optional<ObjectInfo> image = media.describe(new S3Location(sidecar.bucket(), base + suffix));
            if (image.isEmpty()) {
                continue;
            }
            imageFound = true;
            ObjectInfo img = image.get();
            String jobId = JobIds.forObject(img.location().bucket(), img.location().key(), img.versionId(), img.eTag());
            Optional<Job> job = store.find(jobId);
            String source = sidecarSource(sidecarInfo.get());
            if (job.isPresent()) {
                if (job.get().parameterSources().contains(source)) {
                    return Result.DUPLICATE;
                }
                noteLateSidecar(job.get(), sidecar, source);
                return Result.SIDECAR_LATE;
            }
        }
        LOG.info("upload.sidecar", "bucket", sidecar.bucket(), "key", sidecar.key(), "imageFound", imageFound);
        return Result.SIDECAR_WAITING;
    }

    private void noteLateSidecar(Job job, S3Location sidecar, String source) {
        String note = "sidecar " + sidecar.key() + " (" + source + ") arrived after this job was admitted and was"
                + " not applied; upload the image again to make a job that uses it";
        if (job.notes().contains(note)) {
            return;
        }
        List<String> notes = new ArrayList<>(job.notes());
        notes.add(note);
        store.update(job.toBuilder().notes(notes).updatedAt(clock.instant()).build());
        LOG.warn("upload.sidecar_late", "jobId", job.jobId(), "bucket", sidecar.bucket(), "key", sidecar.key());
    }

    /**
     * The spellings of the image suffixes a late sidecar looks for its image under: S3 keys are
     * case-sensitive and a lookup needs the exact key, so lower, upper and capitalised case (.jpg, .JPG,
     * .Jpg), which is what cameras, phones and people write.
     */
    private static List<String> imageSuffixCases() {
        List<String> cases = new ArrayList<>();
        for (String suffix : ImageFormat.allSuffixes()) {
            cases.add(suffix);
            cases.add(suffix.toUpperCase(Locale.ROOT));
            cases.add(suffix.substring(0, 2).toUpperCase(Locale.ROOT) + suffix.substring(2));
        }
        return cases;
    }

    private static S3Location sidecarOf(S3Location image) {
        String key = image.key();
        int dot = key.lastIndexOf('.');
        return new S3Location(image.bucket(), key.substring(0, dot) + SIDECAR_SUFFIX);
    }

    private static String sidecarSource(ObjectInfo sidecar) {
        String identity = sidecar.versionId() != null ? sidecar.versionId() : String.valueOf(sidecar.eTag()).replace("\"", "");
        return "sidecar@" + identity;
    }
}
