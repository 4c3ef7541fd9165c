package com.klingvideo.pipeline.fakes;

import com.klingvideo.pipeline.domain.ApiJobs;
import com.klingvideo.pipeline.domain.CapacityPolicy;
import com.klingvideo.pipeline.domain.ImageTransport;
import com.klingvideo.pipeline.domain.ImageValidation;
import com.klingvideo.pipeline.domain.JobLauncher;
import com.klingvideo.pipeline.domain.JobSubmitter;
import com.klingvideo.pipeline.domain.PipelineSettings;
import com.klingvideo.pipeline.domain.PollPolicy;
import com.klingvideo.pipeline.domain.Reaper;
import com.klingvideo.pipeline.domain.SlotGovernor;
import com.klingvideo.pipeline.domain.StatusChecker;
import com.klingvideo.pipeline.domain.SubmitRetryPolicy;
import com.klingvideo.pipeline.domain.UploadIntake;
import com.klingvideo.pipeline.domain.failure.ImageDownloadException;
import com.klingvideo.pipeline.model.ParameterOverrides;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole domain wired to in-memory fakes, as the composition root wires it to AWS and Kling.
 * Settings mirror the template defaults.
 */
public final class PipelineFixture {
    public static final String BUCKET = "media-bucket";
    public static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

    public final InMemoryJobStore store = new InMemoryJobStore();
    public final InMemoryCapacityStore capacity = new InMemoryCapacityStore();
    public final InMemoryMediaStore media = new InMemoryMediaStore();
    public final FakeVideoGenerator kling;
    public final RecordingWorkflow workflow = new RecordingWorkflow();
    public final MutableClock clock = new MutableClock(START);
    public final Map<String, byte[]> downloads = new HashMap<>();
    public final PipelineSettings settings;
    public final PollPolicy pollPolicy = PollPolicy.standard();
    public final SubmitRetryPolicy retryPolicy = SubmitRetryPolicy.standard(Duration.ofMinutes(60), () -> 0.5);
    public final CapacityPolicy capacityPolicy;
    public final SlotGovernor governor;
    public final JobSubmitter submitter;
    public final JobLauncher launcher;
    public final UploadIntake intake;
    public final StatusChecker checker;
    public final ApiJobs api;
    public final Reaper reaper;
    private final Set<String> executionsRun = new HashSet<>();

    /** Kling's official dialect, images by URL, 4 slots. */
    public PipelineFixture() {
        this(FakeVideoGenerator.official(), ImageTransport.URL);
    }

    public PipelineFixture(FakeVideoGenerator kling, ImageTransport transport) {
        this(kling, transport, 4);
    }

    /** With a concurrency limit of {@code slots}; queue age 24 h, raise after 10 min, probe after 15 min. */
    public PipelineFixture(FakeVideoGenerator kling, ImageTransport transport, int slots) {
        this.kling = kling;
        this.capacityPolicy = new CapacityPolicy(slots, Duration.ofHours(24), Duration.ofMinutes(10),
                Duration.ofMinutes(15));
        // Shares library/ with every API caller, as a deployment that sets ApiSharedImagePrefixes may.
        this.settings = new PipelineSettings(BUCKET, "inputs/", "outputs/", "api-inputs/", List.of("library/"),
                new ParameterOverrides("kling-v2-1", "std", "5", "Slow camera push-in on the product", "", "0.5",
                        null, null),
                transport, Duration.ofMinutes(15), Duration.ofHours(1));
        ImageValidation images = new ImageValidation(media);
        governor = new SlotGovernor(capacity, store, workflow, capacityPolicy, clock);
        submitter = new JobSubmitter(store, kling, media, governor, retryPolicy, pollPolicy, settings, clock);
        launcher = new JobLauncher(store, governor);
        intake = new UploadIntake(store, media, images, launcher, settings, clock);
        checker = new StatusChecker(store, kling, media, submitter, governor, pollPolicy, settings, clock);
        api = new ApiJobs(store, media, (url, max) -> download(url), images, launcher, governor, settings, clock);
        reaper = new Reaper(capacity, store, governor, retryPolicy.deadline().plus(pollPolicy.maxTotal()), clock);
    }

    /**
     * Does what Step Functions does with the executions started since the last call: runs each one's
     * first check (which submits its job to Kling), in start order.
     *
     * @return the job ids checked
     */
    public List<String> runNewExecutions() {
        List<String> checked = new ArrayList<>();
        for (RecordingWorkflow.Start start : workflow.calls()) {
            if (workflow.executions().containsKey(start.executionName()) && executionsRun.add(start.executionName())) {
                checker.check(start.jobId());
                checked.add(start.jobId());
            }
        }
        return checked;
    }

    private byte[] download(URI url) {
        byte[] bytes = downloads.get(url.toString());
        if (bytes == null) {
            // As the real downloader words it: the detail names what was dialled, for the log only.
            throw new ImageDownloadException("CONNECT: https://" + url.getHost() + "/: no connection"
                    + " (10.0.0.7 ConnectException)");
        }
        return bytes;
    }
}
