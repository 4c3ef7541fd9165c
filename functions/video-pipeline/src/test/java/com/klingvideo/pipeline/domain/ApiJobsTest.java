package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.domain.failure.ImageKeyNotAllowedException;
import com.klingvideo.pipeline.domain.failure.InvalidJobRequestException;
import com.klingvideo.pipeline.fakes.FakeVideoGenerator;
import com.klingvideo.pipeline.fakes.PipelineFixture;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.ParameterOverrides;
import com.klingvideo.pipeline.model.S3Location;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiJobsTest {
    private static final Caller A = Caller.apiKey("key-1");
    private static final Caller B = Caller.apiKey("key-2");
    private final PipelineFixture f = new PipelineFixture();

    private static ParameterOverrides prompt(String prompt) {
        return new ParameterOverrides(null, null, null, prompt, null, null, null, null);
    }

    private static ImageInput base64(byte[] image) {
        return new ImageInput(null, Base64.getEncoder().encodeToString(image), null);
    }

    @Test
    void create_should_keepImageAndQueueWithoutCallingKling_when_base64Given() {
        byte[] image = TestImages.png(800, 600);
        JobLauncher.Launch launch = f.api.create(new ApiJobRequest(base64(image), null, prompt("A red kettle"), null, null), A);
        assertThat(launch.created()).isTrue();
        assertThat(launch.job().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(f.kling.creates()).as("the API only admits").isEmpty();
        S3Location kept = launch.job().image();
        assertThat(kept.key()).isEqualTo("api-inputs/" + A.area() + "/" + launch.job().jobId() + "/image.png");
        assertThat(f.media.object(kept)).get().extracting(o -> o.content()).isEqualTo(image);
        assertThat(launch.job().parameters().prompt()).isEqualTo("A red kettle");
        assertThat(f.workflow.executions()).containsKey(launch.job().jobId());
    }

    @Test
    void create_should_returnOriginal_when_idempotencyKeyRepeated() {
        ApiJobRequest request = new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("p"), "order-42", null);
        JobLauncher.Launch first = f.api.create(request, A);
        f.runNewExecutions();
        JobLauncher.Launch second = f.api.create(request, A);
        assertThat(second.created()).isFalse();
        assertThat(second.job().jobId()).isEqualTo(first.job().jobId());
        assertThat(f.kling.creates()).hasSize(1);
        // another caller with the same key gets its own job
        assertThat(f.api.create(request, B).job().jobId()).isNotEqualTo(first.job().jobId());
    }

    @Test
    void create_should_listEveryFieldError_when_requestInvalid() {
        ApiJobRequest request = new ApiJobRequest(base64(TestImages.jpeg(100, 100)), new ImageInput(null, null, null),
                new ParameterOverrides("kling-v9", "turbo", "7", null, null, "1.5", "4:3", null), null, null);
        assertThatThrownBy(() -> f.api.create(request, A))
                .isInstanceOfSatisfying(InvalidJobRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .contains("model", "mode", "duration", "cfgScale", "aspectRatio", "image", "imageTail"));
        assertThat(f.store.all()).isEmpty();
        assertThat(f.kling.creates()).isEmpty();
    }

    @Test
    void create_should_reject_when_base64ImageIsTruncated() {
        // GIVEN a PNG cut inside its image data
        byte[] png = TestImages.png(800, 600);
        ApiJobRequest request = new ApiJobRequest(base64(Arrays.copyOf(png, png.length - 100)), null, prompt("p"),
                null, null);
        // WHEN / THEN nothing is stored or queued
        assertThatThrownBy(() -> f.api.create(request, A))
                .isInstanceOfSatisfying(InvalidJobRequestException.class, e -> assertThat(e.errors())
                        .singleElement().satisfies(error -> {
                            assertThat(error.field()).isEqualTo("image");
                            assertThat(error.message()).startsWith("image is not a usable image: PNG is truncated");
                        }));
        assertThat(f.store.all()).isEmpty();
        assertThat(f.kling.creates()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n"})
    void create_should_useTheDefaultPrompt_when_promptIsBlank(String blank) {
        // GIVEN / WHEN a request whose prompt is empty or only whitespace
        JobLauncher.Launch launch = f.api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null,
                prompt(blank), null, null), A);
        // THEN it is admitted with the configured default prompt, as if it had given none
        assertThat(launch.job().parameters().prompt()).isEqualTo("Slow camera push-in on the product");
        assertThat(launch.job().parameterSources()).containsExactly("defaults");
    }

    @Test
    void create_should_reject_when_endFrameIsNotTakenInThisMode() {
        // GIVEN an end frame for kling-v2-1 (the default) in std mode (the default), which Kling refuses
        ApiJobRequest request = new ApiJobRequest(base64(TestImages.jpeg(640, 480)), base64(TestImages.jpeg(640, 480)),
                prompt("p"), null, null);
        // WHEN / THEN nothing is stored or queued
        assertThatThrownBy(() -> f.api.create(request, A))
                .isInstanceOfSatisfying(InvalidJobRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("imageTail"));
        assertThat(f.store.all()).isEmpty();
        assertThat(f.kling.creates()).isEmpty();
        // AND in pro mode it is admitted
        ParameterOverrides pro = new ParameterOverrides(null, "pro", null, "p", null, null, null, null);
        assertThat(f.api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), base64(TestImages.jpeg(640, 480)),
                pro, null, null), A).created()).isTrue();
    }

    @Test
    void create_should_useBucketObject_when_s3KeyGiven() {
        S3Location image = new S3Location(PipelineFixture.BUCKET, "library/kettle.jpg");
        String version = f.media.putObject(image, TestImages.jpeg(640, 480), Map.of());
        JobLauncher.Launch launch = f.api.create(new ApiJobRequest(new ImageInput(null, null, "library/kettle.jpg"), null,
                prompt("p"), null, null), A);
        // pinned to the version that was checked
        assertThat(launch.job().image()).isEqualTo(image.withVersion(version));
    }

    @Test
    void create_should_reject_when_s3KeyMissing() {
        assertThatThrownBy(() -> f.api.create(new ApiJobRequest(new ImageInput(null, null, "library/nope.jpg"), null, prompt("p"),
                null, null), A))
                .isInstanceOf(InvalidJobRequestException.class).hasMessageContaining("does not exist");
    }

    @Test
    void create_should_downloadAndKeep_when_urlGiven() {
        f.downloads.put("https://shop.example/kettle.jpg", TestImages.jpeg(640, 480));
        JobLauncher.Launch launch = f.api.create(new ApiJobRequest(new ImageInput("https://shop.example/kettle.jpg",
                null, null), null, prompt("p"), null, null), A);
        assertThat(launch.job().image().key()).endsWith("/image.jpg");
    }

    @Test
    void create_should_reject_when_urlUnreachable() {
        assertThatThrownBy(() -> f.api.create(new ApiJobRequest(new ImageInput("https://shop.example/none.jpg", null,
                null), null, prompt("p"), null, null), A))
                .isInstanceOf(InvalidJobRequestException.class)
                .hasMessageNotContaining("10.0.0.7")
                .satisfies(e -> assertThat(((InvalidJobRequestException) e).errors())
                        .extracting(FieldError::code).containsExactly(FieldError.IMAGE_URL_UNAVAILABLE));
    }

    @Test
    void create_should_reject_when_base64Invalid() {
        assertThatThrownBy(() -> f.api.create(new ApiJobRequest(new ImageInput(null, "***", null), null, prompt("p"),
                null, null), A))
                .isInstanceOf(InvalidJobRequestException.class).hasMessageContaining("base64");
    }

    @Test
    void get_should_includeFreshVideoUrl_when_succeeded() {
        JobLauncher.Launch launch = f.api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("p"),
                null, null), A);
        f.runNewExecutions();
        f.media.putRemote("https://cdn.example/v.mp4", new byte[] {1, 2, 3});
        f.kling.answerQuery(FakeVideoGenerator.succeeded("task-1", "https://cdn.example/v.mp4"));
        f.checker.check(launch.job().jobId());
        ApiJobs.JobView view = f.api.get(A, launch.job().jobId()).orElseThrow();
        assertThat(view.job().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(view.videoUrl()).hasToString("https://media-bucket.s3.example/outputs/" + launch.job().jobId()
                + ".mp4?X-Amz-Expires=3600&X-Amz-Signature=test");
        assertThat(f.api.get(A, "missing")).isEmpty();
    }

    @Test
    void getAndList_should_showOnlyTheCallersOwnJobs_when_twoCallersHaveJobs() {
        // GIVEN a job of A and a job of B
        String mine = f.api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("p"), null, null), A)
                .job().jobId();
        String theirs = f.api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("p"), null, null), B)
                .job().jobId();
        // WHEN / THEN A reads and lists its own job only
        assertThat(f.api.get(A, mine)).isPresent();
        assertThat(f.api.get(A, theirs)).isEmpty();
        assertThat(f.api.list(A, null, 10, null).jobs()).extracting(j -> j.jobId()).containsExactly(mine);
        assertThat(f.api.list(B, JobStatus.QUEUED, 10, null).jobs()).extracting(j -> j.jobId()).containsExactly(theirs);
        assertThat(f.store.get(mine).owner()).isEqualTo(A.id());
    }

    @Test
    void create_should_refuseKeysOutsideTheCallersPrefixes_when_objectsExistThere() {
        // GIVEN B's kept image, a stored video and an upload, all present in the bucket
        String theirs = f.api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("p"), null, null), B)
                .job().image().key();
        for (String key : java.util.List.of("outputs/a-1.mp4", "inputs/photo.jpg", "library/../outputs/a-1.mp4")) {
            f.media.putObject(new S3Location(PipelineFixture.BUCKET, key), TestImages.jpeg(640, 480), Map.of());
        }
        // WHEN / THEN A may name none of them, as image or as end frame, and nothing is admitted
        for (String key : java.util.List.of(theirs, "outputs/a-1.mp4", "inputs/photo.jpg", "library/../outputs/a-1.mp4")) {
            assertThatThrownBy(() -> f.api.create(new ApiJobRequest(new ImageInput(null, null, key), null, prompt("p"),
                    null, null), A)).as(key).isInstanceOfSatisfying(ImageKeyNotAllowedException.class,
                            e -> assertThat(e.field()).isEqualTo("image"));
            assertThatThrownBy(() -> f.api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)),
                    new ImageInput(null, null, key), prompt("p"), null, null), A)).as(key)
                    .isInstanceOfSatisfying(ImageKeyNotAllowedException.class,
                            e -> assertThat(e.field()).isEqualTo("imageTail"));
        }
        assertThat(f.store.all()).hasSize(1);
    }

    @Test
    void create_should_queueAheadOfNormalJobs_when_priorityHigh() {
        // GIVEN one slot, taken, and a normal job waiting
        PipelineFixture one = new PipelineFixture(FakeVideoGenerator.official(), ImageTransport.URL, 1);
        ApiJobs api = one.api;
        api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("first"), null, null), A);
        JobLauncher.Launch normal = api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("n"),
                null, "normal"), A);
        one.clock.advance(java.time.Duration.ofSeconds(1));
        // WHEN a high-priority job arrives later
        JobLauncher.Launch high = api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("h"),
                null, "HIGH"), A);
        // THEN it waits ahead of the normal one, which sees one job ahead of it
        assertThat(high.job().priority()).isEqualTo(com.klingvideo.pipeline.model.Priority.HIGH);
        assertThat(one.capacity.queuedJobIds()).containsExactly(high.job().jobId(), normal.job().jobId());
        assertThat(api.get(A, normal.job().jobId()).orElseThrow().place().ahead()).isEqualTo(1);
        assertThat(api.get(A, high.job().jobId()).orElseThrow().place().ahead()).isZero();
    }

    @Test
    void create_should_reject_when_priorityUnknown() {
        assertThatThrownBy(() -> f.api.create(new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("p"),
                null, "urgent"), A))
                .isInstanceOfSatisfying(InvalidJobRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("priority"));
        assertThat(f.store.all()).isEmpty();
    }

    @Test
    void create_should_resumeTheOriginal_when_idempotencyKeyRepeatedForAJobNobodyFollows() {
        // GIVEN an API job whose execution never started (StartExecution failed after the slot was taken)
        ApiJobRequest request = new ApiJobRequest(base64(TestImages.jpeg(640, 480)), null, prompt("p"), "order-7", null);
        f.workflow.failNextStart(new IllegalStateException("throttled"));
        JobLauncher.Launch first = f.api.create(request, A);
        assertThat(f.workflow.running()).isEmpty();
        // WHEN the caller repeats the request with the same key
        JobLauncher.Launch again = f.api.create(request, A);
        // THEN the original is followed again: its execution runs, and it is submitted once
        assertThat(again.job().jobId()).isEqualTo(first.job().jobId());
        assertThat(f.workflow.running()).containsExactly(first.job().jobId());
        f.runNewExecutions();
        assertThat(f.kling.creates()).hasSize(1);
        assertThat(f.store.get(first.job().jobId()).status()).isEqualTo(JobStatus.SUBMITTED);
    }
}
