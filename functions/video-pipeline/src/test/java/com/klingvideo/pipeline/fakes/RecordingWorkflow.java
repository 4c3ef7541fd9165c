package com.klingvideo.pipeline.fakes;

import com.klingvideo.pipeline.domain.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records starts; like Step Functions, a second start of the same name is accepted and changes nothing. */
public final class RecordingWorkflow implements Workflow {
    /** One start call. */
    public record Start(String jobId, long firstWaitSeconds) {
    }

    private final List<Start> calls = new ArrayList<>();
    private final Map<String, Start> executions = new LinkedHashMap<>();

    @Override
    public synchronized void start(String jobId, long firstWaitSeconds) {
        Start start = new Start(jobId, firstWaitSeconds);
        calls.add(start);
        executions.putIfAbsent(jobId, start);
    }

    public synchronized List<Start> calls() {
        return List.copyOf(calls);
    }

    /** Distinct executions, by job id. */
    public synchronized Map<String, Start> executions() {
        return Map.copyOf(executions);
    }
}
