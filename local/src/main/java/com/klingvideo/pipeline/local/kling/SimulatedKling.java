package com.klingvideo.pipeline.local.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.log.JsonLog;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kling side both front ends share: checks a create body, loads and checks its images, admits
 * the task under the account's concurrency limit, renders its video, and finds tasks again.
 *
 * <p>{@code external_task_id} is unique per account: Kling documents that but not what a duplicate
 * gets, so here a second create with the same one is refused with 1201
 * "external_task_id already exists" and leaves the first task alone.
 */
final class SimulatedKling {

    /** How long a query waits for a video that is due but still rendering, before saying processing. */
    static final Duration RENDER_WAIT = Duration.ofSeconds(20);

    private static final JsonLog LOG = JsonLog.of(SimulatedKling.class);

    private final SimulatorConfig config;
    private final Clock clock;
    private final Faults faults;
    private final ImageLoader images;
    private final ExecutorService renderers;
    private final Tally tally;
    private final Map<String, SimTask> byId = new ConcurrentHashMap<>();
    private final Map<String, SimTask> byExternalId = new ConcurrentHashMap<>();
    /** 18-digit ids, as Kling's look; both task and video ids come from here. */
    private final AtomicLong nextId = new AtomicLong(860_000_000_000_000_000L + ThreadLocalRandom.current().nextLong(1L << 40));

    // guarded by this
    private final List<SimTask> running = new ArrayList<>();
    /** When each slot taken by another client of the same account frees. */
    private final List<Instant> foreign = new ArrayList<>();
    private int peakRunning;

    private volatile byte[] clip;

    private synchronized byte[] oneClip(byte[] picture) throws IOException {
        if (clip == null) {
            clip = VideoRenderer.render(picture);
        }
        return clip;
    }

    SimulatedKling(SimulatorConfig config, Faults faults, ExecutorService renderers, Tally tally) {
        this.config = config;
        this.clock = config.clock();
        this.faults = faults;
        this.renderers = renderers;
        this.tally = tally;
        this.images = new ImageLoader(config.imageFetchTimeout(), tally.imageFetches);
    }

    /**
     * Creates a task, or throws the {@link ApiFailure} Kling answers: 1200/1201 for the body, 1201 for an
     * image that cannot be fetched or decoded, 1303 when the account's parallel tasks are all taken.
     * An image that breaks Kling's picture rules is accepted; its task fails later.
     */
    SimTask create(JsonNode body) {
        CreateRequest request = CreateRequest.parse(body);
        byte[] image = request.image() == null ? null : images.load(request.image(), "image");
        byte[] tail = request.imageTail() == null ? null : images.load(request.imageTail(), "image_tail");
        String imageProblem = Optional.ofNullable(image).flatMap(bytes -> ImageChecks.problem(bytes, "Image"))
                .or(() -> Optional.ofNullable(tail).flatMap(bytes -> ImageChecks.problem(bytes, "Image tail")))
                .orElse(null);
        SimTask task = admit(request, imageProblem);
        if (task.video() != null) {
            byte[] picture = image != null ? image : tail;
            CompletableFuture.runAsync(() -> render(task, picture), renderers);
        }
        return task;
    }

    /** A task as queries see it: not before {@link Faults#lagLookups the lookup lag} has passed. */
    Optional<SimTask> byTaskId(String id) {
        return Optional.ofNullable(byId.get(id)).filter(this::visible);
    }

    Optional<SimTask> byExternalId(String externalTaskId) {
        return Optional.ofNullable(byExternalId.get(externalTaskId)).filter(this::visible);
    }

    private boolean visible(SimTask task) {
        return !clock.instant().isBefore(task.createdAt().plus(faults.lookupLag()));
    }

    /** Every task, newest first. */
    List<SimTask> tasks() {
        List<SimTask> all = new ArrayList<>(byId.values().stream().filter(this::visible).toList());
        all.sort(Comparator.comparing(SimTask::createdAt).thenComparing(SimTask::id).reversed());
        return all;
    }

    SimTask.View view(SimTask task, boolean waitForVideo) {
        return task.viewAt(clock.instant(), waitForVideo ? RENDER_WAIT : Duration.ZERO);
    }

    /** The rendered MP4 of a task, once there is one. */
    Optional<byte[]> video(String taskId) {
        SimTask task = byId.get(taskId);
        return task == null || task.video() == null ? Optional.empty() : Optional.ofNullable(task.video().getNow(null));
    }

    synchronized int runningTasks() {
        prune(clock.instant());
        return running.size() + foreign.size();
    }

    /** Another client of the same account takes {@code slots} slots for {@code duration}. */
    synchronized void occupy(int slots, Duration duration) {
        Instant until = clock.instant().plus(duration);
        for (int i = 0; i < slots; i++) {
            foreign.add(until);
        }
        prune(clock.instant());
        peakRunning = Math.max(peakRunning, running.size() + foreign.size());
    }

    synchronized int peakRunningTasks() {
        return peakRunning;
    }

    private synchronized SimTask admit(CreateRequest request, String imageProblem) {
        Instant now = clock.instant();
        if (request.externalTaskId() != null && byExternalId.containsKey(request.externalTaskId())) {
            throw ApiFailure.invalidParameter("external_task_id already exists");
        }
        prune(now);
        if (running.size() + foreign.size() >= config.maxConcurrentTasks()) {
            throw Fault.CONCURRENCY_1303.failure();
        }
        String failure = imageProblem != null ? imageProblem : faults.nextTaskFailure().orElse(null);
        Instant processingAt = now.plus(config.taskLatency().dividedBy(4));
        // a bad picture is refused before generation starts; any other failure comes at the end
        Instant endsAt = imageProblem != null ? processingAt : now.plus(config.taskLatency());
        String id = Long.toString(nextId.getAndAdd(1 + ThreadLocalRandom.current().nextInt(1000)));
        String videoId = Long.toString(nextId.getAndAdd(1 + ThreadLocalRandom.current().nextInt(1000)));
        SimTask task = new SimTask(id, request.externalTaskId(), videoId, request, now, processingAt, endsAt, failure,
                failure == null ? new CompletableFuture<>() : null);
        byId.put(id, task);
        if (task.externalTaskId() != null) {
            byExternalId.put(task.externalTaskId(), task);
        }
        running.add(task);
        peakRunning = Math.max(peakRunning, running.size() + foreign.size());
        tally.tasksCreated.increment();
        return task;
    }

    private void prune(Instant now) {
        running.removeIf(task -> !task.running(now));
        foreign.removeIf(until -> !now.isBefore(until));
    }

    private void render(SimTask task, byte[] picture) {
        try {
            if (config.oneClip()) {
                task.video().complete(oneClip(picture));
                return;
            }
            task.video().complete(VideoRenderer.render(picture));
        } catch (IOException | RuntimeException e) {
            LOG.warn("video_render_failed", "klingTaskId", task.id(), "error", e.getClass().getSimpleName());
            task.video().completeExceptionally(e);
        }
    }
}
