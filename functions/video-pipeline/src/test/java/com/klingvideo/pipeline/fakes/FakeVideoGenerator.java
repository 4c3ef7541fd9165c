package com.klingvideo.pipeline.fakes;

import com.klingvideo.pipeline.domain.KlingTask;
import com.klingvideo.pipeline.domain.KlingTaskStatus;
import com.klingvideo.pipeline.domain.VideoGenerator;
import com.klingvideo.pipeline.domain.VideoRequest;
import com.klingvideo.pipeline.domain.failure.KlingException;
import com.klingvideo.pipeline.domain.failure.KlingTaskExistsException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A scripted Kling: create and query answer from queues of results or failures; every request is kept.
 * A created task is remembered by external id so lookups find it, as Kling would.
 */
public final class FakeVideoGenerator implements VideoGenerator {
    private final boolean externalLookup;
    private final Deque<Object> createScript = new ArrayDeque<>();
    private final Deque<Object> queryScript = new ArrayDeque<>();
    private final List<VideoRequest> creates = new ArrayList<>();
    private final List<String> queries = new ArrayList<>();
    private final List<String> lookups = new ArrayList<>();
    private final Map<String, KlingTask> byExternalId = new ConcurrentHashMap<>();
    private Consumer<VideoRequest> onCreate = r -> { };
    private int taskCounter;
    private int hiddenLookups;

    public FakeVideoGenerator(boolean externalLookup) {
        this.externalLookup = externalLookup;
    }

    /** The official dialect: lookups by external id work. */
    public static FakeVideoGenerator official() {
        return new FakeVideoGenerator(true);
    }

    /** A gateway: no lookups by external id. */
    public static FakeVideoGenerator gateway() {
        return new FakeVideoGenerator(false);
    }

    /** Next create fails with this exception. */
    public FakeVideoGenerator failCreate(KlingException e) {
        createScript.add(e);
        return this;
    }

    /** Next create fails with this exception, although Kling did create the task (a lost answer). */
    public FakeVideoGenerator failCreateAfterAccepting(KlingException e) {
        createScript.add(new AcceptedThenFailed(e));
        return this;
    }

    /** Next query answers this. */
    public FakeVideoGenerator answerQuery(KlingTask task) {
        queryScript.add(task);
        return this;
    }

    /** Next query fails with this exception. */
    public FakeVideoGenerator failQuery(KlingException e) {
        queryScript.add(e);
        return this;
    }

    /** The next {@code count} lookups find nothing although the task exists: Kling's reads lagging its writes. */
    public FakeVideoGenerator hideFromLookups(int count) {
        hiddenLookups = count;
        return this;
    }

    /** Runs during create, to observe what was stored before the request left. */
    public FakeVideoGenerator onCreate(Consumer<VideoRequest> hook) {
        onCreate = hook;
        return this;
    }

    public List<VideoRequest> creates() {
        return List.copyOf(creates);
    }

    public List<String> queries() {
        return List.copyOf(queries);
    }

    public List<String> lookups() {
        return List.copyOf(lookups);
    }

    public static KlingTask task(String taskId, KlingTaskStatus status) {
        return new KlingTask(taskId, null, status, status.name().toLowerCase(), "", null, null, null);
    }

    public static KlingTask succeeded(String taskId, String url) {
        return new KlingTask(taskId, null, KlingTaskStatus.SUCCEEDED, "succeed", "", url, "5.1", "1");
    }

    public static KlingTask failed(String taskId, String reason) {
        return new KlingTask(taskId, null, KlingTaskStatus.FAILED, "failed", reason, null, null, "0");
    }

    @Override
    public synchronized KlingTask create(VideoRequest request) {
        creates.add(request);
        onCreate.accept(request);
        Object next = createScript.poll();
        if (next instanceof KlingException e) {
            throw e;
        }
        if (byExternalId.containsKey(request.externalTaskId())) {
            // Kling: external_task_id is unique per account
            throw new KlingTaskExistsException("1201", 400, "Kling create failed: code 1201 'external_task_id already exists'");
        }
        KlingTask task = new KlingTask("task-" + (++taskCounter), request.externalTaskId(), KlingTaskStatus.SUBMITTED,
                "submitted", "", null, null, null);
        byExternalId.put(request.externalTaskId(), task);
        if (next instanceof AcceptedThenFailed lost) {
            throw lost.failure();
        }
        return task;
    }

    @Override
    public synchronized KlingTask query(String taskId) {
        queries.add(taskId);
        Object next = queryScript.poll();
        if (next == null) {
            return task(taskId, KlingTaskStatus.PROCESSING);
        }
        if (next instanceof KlingException e) {
            throw e;
        }
        return (KlingTask) next;
    }

    @Override
    public synchronized Optional<KlingTask> findByExternalId(String externalTaskId) {
        if (!externalLookup) {
            throw new UnsupportedOperationException("gateway");
        }
        lookups.add(externalTaskId);
        if (hiddenLookups > 0) {
            hiddenLookups--;
            return Optional.empty();
        }
        return Optional.ofNullable(byExternalId.get(externalTaskId));
    }

    @Override
    public boolean supportsExternalLookup() {
        return externalLookup;
    }

    private record AcceptedThenFailed(KlingException failure) {
    }
}
