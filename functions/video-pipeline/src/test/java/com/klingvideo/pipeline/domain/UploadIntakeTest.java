package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.fakes.FakeVideoGenerator;
import com.klingvideo.pipeline.fakes.PipelineFixture;
import com.klingvideo.pipeline.fakes.TestImages;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobStatus;
import com.klingvideo.pipeline.model.Priority;
import com.klingvideo.pipeline.model.S3Location;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UploadIntakeTest {
    private PipelineFixture f = new PipelineFixture();

    private String put(String key, byte[] content, Map<String, String> metadata) {
        return f.media.putObject(new S3Location(PipelineFixture.BUCKET, key), content, metadata);
    }

    private UploadIntake.Result upload(String key, byte[] content, Map<String, String> metadata) {
        String version = put(key, content, metadata);
        return f.intake.onObjectCreated(PipelineFixture.BUCKET, key, version, "etag");
    }

    private Job onlyJob() {
        assertThat(f.store.all()).hasSize(1);
        return f.store.all().get(0);
    }

    @Test
    void onObjectCreated_should_admitAndGiveTheJobAFreeSlot_when_validImage() {
        // GIVEN a valid image  WHEN it is uploaded
        UploadIntake.Result result = upload("inputs/cat.jpg", TestImages.jpeg(640, 480), Map.of());
        // THEN one job with the template defaults; the upload itself calls no Kling: the job takes a free
        // slot and one execution named after it starts at once, to submit it
        assertThat(result).isEqualTo(UploadIntake.Result.ADMITTED);
        Job job = onlyJob();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.priority()).isEqualTo(Priority.NORMAL);
        assertThat(job.parameters().model()).isEqualTo("kling-v2-1");
        assertThat(job.parameters().prompt()).isEqualTo("Slow camera push-in on the product");
        assertThat(job.parameterSources()).containsExactly("defaults");
        assertThat(f.kling.creates()).isEmpty();
        assertThat(f.capacity.holds()).extracting(SlotHold::jobId).containsExactly(job.jobId());
        assertThat(f.workflow.calls()).singleElement()
                .satisfies(s -> {
                    assertThat(s.executionName()).isEqualTo(job.jobId());
                    assertThat(s.jobId()).isEqualTo(job.jobId());
                    assertThat(s.firstWaitSeconds()).isZero();
                });
        // AND its execution's first check submits it with the job id as external id
        f.runNewExecutions();
        assertThat(f.kling.creates()).singleElement().satisfies(r -> assertThat(r.externalTaskId()).isEqualTo(job.jobId()));
        assertThat(onlyJob().status()).isEqualTo(JobStatus.SUBMITTED);
    }

    @Test
    void onObjectCreated_should_layerMetadataThenSidecar_when_bothGiven() {
        // GIVEN a sidecar uploaded first, and metadata on the image
        put("inputs/shoe.json", """
                {"prompt": "The shoe turns slowly on a white table", "duration": 10, "cfgScale": 0.7}
                """.getBytes(StandardCharsets.UTF_8), Map.of());
        upload("inputs/shoe.png", TestImages.png(600, 800),
                Map.of("prompt", "from metadata", "mode", "pro", "duration", "5"));
        // THEN the sidecar wins over metadata, metadata over defaults
        Job job = onlyJob();
        assertThat(job.parameters().prompt()).isEqualTo("The shoe turns slowly on a white table");
        assertThat(job.parameters().duration()).isEqualTo("10");
        assertThat(job.parameters().mode()).isEqualTo("pro");
        assertThat(job.parameters().cfgScale()).isEqualTo(0.7);
        assertThat(job.parameters().model()).isEqualTo("kling-v2-1");
        assertThat(job.parameterSources()).hasSize(3).startsWith("defaults", "metadata");
        assertThat(job.parameterSources().get(2)).startsWith("sidecar@");
    }

    @Test
    void onObjectCreated_should_useTheDefaultPrompt_when_sidecarAndMetadataPromptsAreBlank() {
        // GIVEN a sidecar with an empty prompt, and an image whose metadata prompt is only whitespace
        put("inputs/vase.json", "{\"prompt\": \"\", \"duration\": \"10\"}".getBytes(StandardCharsets.UTF_8), Map.of());
        upload("inputs/vase.jpg", TestImages.jpeg(640, 480), Map.of("prompt", "  "));
        // THEN the job is admitted with the configured default prompt, not an empty one
        Job job = onlyJob();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.parameters().prompt()).isEqualTo("Slow camera push-in on the product");
        assertThat(job.parameters().duration()).isEqualTo("10");
    }

    @Test
    void onObjectCreated_should_recordFailedWithoutCallingKling_when_imageTooSmall() {
        UploadIntake.Result result = upload("inputs/tiny.jpg", TestImages.jpeg(200, 200), Map.of());
        assertThat(result).isEqualTo(UploadIntake.Result.REJECTED);
        Job job = onlyJob();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().code()).isEqualTo("INVALID_INPUT");
        assertThat(job.failure().reason()).contains("200x200").contains("300");
        assertThat(f.kling.creates()).isEmpty();
        assertThat(f.workflow.calls()).isEmpty();
    }

    @Test
    void onObjectCreated_should_recordFailedWithoutCallingKling_when_uploadHoldsHalfAJpeg() {
        // GIVEN the first half of a valid JPEG (its header and size are intact)
        byte[] jpeg = TestImages.jpeg(800, 600);
        UploadIntake.Result result = upload("inputs/half.jpg", Arrays.copyOf(jpeg, jpeg.length / 2), Map.of());
        // THEN the job fails before anything is paid, saying where the image ends
        assertThat(result).isEqualTo(UploadIntake.Result.REJECTED);
        Job job = onlyJob();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().code()).isEqualTo("INVALID_INPUT");
        assertThat(job.failure().reason()).startsWith("image is not a usable image: JPEG is truncated")
                .contains("before its end-of-image marker (EOI)");
        assertThat(f.kling.creates()).isEmpty();
        assertThat(f.workflow.calls()).isEmpty();
    }

    @Test
    void onObjectCreated_should_reportEveryProblem_when_parametersAndImageBad() {
        upload("inputs/bad.jpg", "not an image".getBytes(StandardCharsets.UTF_8),
                Map.of("mode", "standard", "duration", "7", "cfg-scale", "2"));
        Job job = onlyJob();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().reason()).contains("mode").contains("duration").contains("cfgScale").contains("image");
        assertThat(f.kling.creates()).isEmpty();
    }

    @Test
    void onObjectCreated_should_admitOnce_when_sameEventDeliveredThreeTimes() {
        String version = put("inputs/cat.jpg", TestImages.jpeg(640, 480), Map.of());
        for (int i = 0; i < 3; i++) {
            f.intake.onObjectCreated(PipelineFixture.BUCKET, "inputs/cat.jpg", version, "etag");
        }
        f.runNewExecutions();
        // THEN one job, one Kling task, one execution (repeated starts of the same name are harmless)
        assertThat(f.store.all()).hasSize(1);
        assertThat(f.kling.creates()).hasSize(1);
        assertThat(f.workflow.executions()).hasSize(1);
    }

    @Test
    void onObjectCreated_should_makeNewJob_when_imageUploadedAgain() {
        upload("inputs/cat.jpg", TestImages.jpeg(640, 480), Map.of());
        upload("inputs/cat.jpg", TestImages.jpeg(640, 480), Map.of());
        assertThat(f.store.all()).hasSize(2);
    }

    @Test
    void onObjectCreated_should_ignore_when_notAnImageOrOutsidePrefix() {
        assertThat(upload("inputs/readme.txt", new byte[] {1}, Map.of())).isEqualTo(UploadIntake.Result.IGNORED);
        assertThat(upload("outputs/x.jpg", TestImages.jpeg(640, 480), Map.of())).isEqualTo(UploadIntake.Result.IGNORED);
        assertThat(f.store.all()).isEmpty();
    }

    /** The bucket notifies on everything under the input prefix, so other files reach the intake. */
    @Test
    void onObjectCreated_should_ignoreWithoutReadingAnything_when_notAnImageOrSidecar() {
        // GIVEN an intake whose job store and media store fail on any call
        UploadIntake intake = new UploadIntake(failing(JobStore.class), failing(MediaStore.class), null, null,
                f.settings, f.clock);
        // WHEN other files under the input prefix are created THEN each is ignored without a read or a write
        for (String key : List.of("inputs/readme.txt", "inputs/clip.mp4", "inputs/.DS_Store", "inputs/photo.jpg.part",
                "inputs/folder/")) {
            assertThat(intake.onObjectCreated(PipelineFixture.BUCKET, key, "v1", "etag")).as(key)
                    .isEqualTo(UploadIntake.Result.IGNORED);
        }
    }

    @Test
    void onObjectCreated_should_acceptTheImageSuffixesInAnyCase_when_cameraOrHandNamedFiles() {
        List<String> keys = List.of("inputs/IMG_0001.JPG", "inputs/Photo.Jpg", "inputs/scan.jPeG", "inputs/logo.PNG");
        for (String key : keys) {
            assertThat(upload(key, TestImages.jpeg(640, 480), Map.of())).as(key).isEqualTo(UploadIntake.Result.ADMITTED);
        }
        assertThat(f.store.all()).hasSize(keys.size());
    }

    @Test
    void onObjectCreated_should_noteLateSidecar_when_imageSuffixIsCapitalised() {
        upload("inputs/Photo.Jpg", TestImages.jpeg(640, 480), Map.of());
        assertThat(upload("inputs/Photo.json", "{\"prompt\":\"late\"}".getBytes(StandardCharsets.UTF_8), Map.of()))
                .isEqualTo(UploadIntake.Result.SIDECAR_LATE);
    }

    @SuppressWarnings("unchecked")
    private static <T> T failing(Class<T> port) {
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            throw new AssertionError(port.getSimpleName() + "." + method.getName() + " called");
        });
    }

    @Test
    void onObjectCreated_should_noteLateSidecar_when_sidecarArrivesAfterImage() {
        // GIVEN an image admitted without a sidecar, already with Kling
        upload("inputs/cat.jpg", TestImages.jpeg(640, 480), Map.of());
        f.runNewExecutions();
        // WHEN its sidecar arrives afterwards
        UploadIntake.Result result = upload("inputs/cat.json", "{\"prompt\":\"late\"}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        // THEN the job is not changed or duplicated, and says why the sidecar was not used
        assertThat(result).isEqualTo(UploadIntake.Result.SIDECAR_LATE);
        Job job = onlyJob();
        assertThat(job.parameters().prompt()).isEqualTo("Slow camera push-in on the product");
        assertThat(job.notes()).singleElement().asString().contains("inputs/cat.json").contains("upload the image again");
        assertThat(f.kling.creates()).hasSize(1);
    }

    @Test
    void onObjectCreated_should_waitForImage_when_sidecarFirst() {
        UploadIntake.Result result = upload("inputs/cat.json", "{\"prompt\":\"first\"}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(result).isEqualTo(UploadIntake.Result.SIDECAR_WAITING);
        assertThat(f.store.all()).isEmpty();
        upload("inputs/cat.jpg", TestImages.jpeg(640, 480), Map.of());
        assertThat(onlyJob().parameters().prompt()).isEqualTo("first");
    }

    @Test
    void onObjectCreated_should_reject_when_sidecarInvalid() {
        put("inputs/cat.json", "{\"promt\": \"typo\"}".getBytes(StandardCharsets.UTF_8), Map.of());
        upload("inputs/cat.jpg", TestImages.jpeg(640, 480), Map.of());
        Job job = onlyJob();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().reason()).contains("promt");
        assertThat(f.kling.creates()).isEmpty();
    }

    @Test
    void onObjectCreated_should_pinEachJobToItsOwnVersion_when_theKeyIsOverwrittenWhileTheFirstWaits() {
        // GIVEN a job for the first version of a key that waits for a slot (intake paused)
        f.governor.pause("maintenance");
        byte[] first = TestImages.jpeg(640, 480);
        byte[] second = TestImages.png(800, 600);
        upload("inputs/cat.jpg", first, Map.of("prompt", "first"));
        // WHEN the key is overwritten with other bytes, and both jobs run
        upload("inputs/cat.jpg", second, Map.of("prompt", "second"));
        f.governor.resume();
        f.runNewExecutions();
        // THEN each job read, validated and sent its own version: two different images, two prompts
        List<Job> jobs = f.store.all();
        assertThat(jobs).hasSize(2).extracting(j -> j.image().versionId()).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(f.kling.creates()).hasSize(2).extracting(VideoRequest::image).doesNotHaveDuplicates()
                .allSatisfy(url -> assertThat(url).contains("versionId="));
        for (Job job : jobs) {
            String sent = f.kling.creates().stream().filter(c -> c.externalTaskId().equals(job.jobId()))
                    .findFirst().orElseThrow().image();
            assertThat(sent).contains("versionId=" + job.image().versionId());
            byte[] bytes = f.media.object(job.image()).orElseThrow().content();
            assertThat(bytes).isEqualTo(job.parameters().prompt().equals("first") ? first : second);
        }
    }

    @Test
    void onObjectCreated_should_readTheVersionItChecked_when_sentAsBase64() {
        f = new PipelineFixture(FakeVideoGenerator.official(), ImageTransport.BASE64);
        f.governor.pause("maintenance");
        byte[] first = TestImages.jpeg(640, 480);
        upload("inputs/cat.jpg", first, Map.of());
        put("inputs/cat.jpg", TestImages.png(800, 600), Map.of());
        f.governor.resume();
        f.runNewExecutions();
        assertThat(f.kling.creates()).singleElement().extracting(VideoRequest::image)
                .isEqualTo(java.util.Base64.getEncoder().encodeToString(first));
    }

    @Test
    void onObjectCreated_should_sendTailImage_when_metadataNamesIt() {
        String tailVersion = put("inputs/tails/cat-end.png", TestImages.png(640, 480), Map.of());
        upload("inputs/cat.jpg", TestImages.jpeg(640, 480),
                Map.of("image-tail", "inputs/tails/cat-end.png", "mode", "pro"));
        Job job = onlyJob();
        assertThat(job.imageTail()).isEqualTo(new S3Location(PipelineFixture.BUCKET, "inputs/tails/cat-end.png", tailVersion));
        f.runNewExecutions();
        assertThat(f.kling.creates().get(0).imageTail()).contains("inputs/tails/cat-end.png");
    }

    @Test
    void onObjectCreated_should_recordFailedWithoutCallingKling_when_modelTakesNoEndFrame() {
        // GIVEN a valid end frame for a model that takes none
        put("inputs/tails/cat-end.png", TestImages.png(640, 480), Map.of());
        upload("inputs/cat.jpg", TestImages.jpeg(640, 480),
                Map.of("image-tail", "inputs/tails/cat-end.png", "model", "kling-v2-master"));
        // THEN the job fails before anything is paid, saying which models take one
        Job job = onlyJob();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().code()).isEqualTo("INVALID_INPUT");
        assertThat(job.failure().reason()).startsWith("imageTail (an end frame) is not supported by kling-v2-master");
        assertThat(f.kling.creates()).isEmpty();
        assertThat(f.workflow.calls()).isEmpty();
    }

    @Test
    void onObjectCreated_should_reject_when_tailImageMissing() {
        upload("inputs/cat.jpg", TestImages.jpeg(640, 480), Map.of("image-tail", "inputs/nope.png"));
        Job job = onlyJob();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().reason()).contains("imageTail").contains("does not exist");
    }

    @Test
    void onObjectCreated_should_recordFailed_when_imageDeletedBeforeProcessing() {
        f.intake.onObjectCreated(PipelineFixture.BUCKET, "inputs/gone.jpg", "v9", "etag");
        Job job = onlyJob();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failure().reason()).contains("deleted");
    }
}
