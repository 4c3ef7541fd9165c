package com.klingvideo.pipeline.fakes;

import com.klingvideo.pipeline.domain.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records starts, and behaves like Step Functions with names: a start of a running execution's name
 * changes nothing, and the name of an ended execution is taken. Tests end executions with {@link #end}.
 */
public final class RecordingWorkflow implements Workflow {
    /** One start call. */
    public record Start(String executionName, String jobId, long firstWaitSeconds) {
    }

    private final List<Start> calls = new ArrayList<>();
    private final Map<String, Start> executions = new LinkedHashMap<>();
    private final Map<String, State> states = new LinkedHashMap<>();
    private RuntimeException failure;

    @Override
    public synchronized Workflow.Start start(String executionName, String jobId, long firstWaitSeconds) {
        calls.add(new Start(executionName, jobId, firstWaitSeconds));
        if (failure != null) {
            RuntimeException e = failure;
            failure = null;
            throw e;
        }
        State state = states.getOrDefault(executionName, State.ABSENT);
        if (state == State.ENDED) {
            return Workflow.Start.TAKEN;
        }
        if (state == State.RUNNING) {
            return Workflow.Start.RUNNING;
        }
        executions.put(executionName, new Start(executionName, jobId, firstWaitSeconds));
        states.put(executionName, State.RUNNING);
        return Workflow.Start.STARTED;
    }

    @Override
    public synchronized State state(String executionName) {
        return states.getOrDefault(executionName, State.ABSENT);
    }

    /** The execution has ended (it reached an end state, failed, or was stopped). */
    public synchronized void end(String executionName) {
        states.put(executionName, State.ENDED);
    }

    /** The next start fails with this exception. */
    public synchronized void failNextStart(RuntimeException e) {
        failure = e;
    }

    public synchronized List<Start> calls() {
        return List.copyOf(calls);
    }

    /** Distinct executions started, by name, in order. */
    public synchronized Map<String, Start> executions() {
        return Map.copyOf(executions);
    }

    /** Names of the executions started for one job, in order. */
    public synchronized List<String> executionsOf(String jobId) {
        return executions.values().stream().filter(s -> s.jobId().equals(jobId)).map(Start::executionName).toList();
    }

    public synchronized List<String> running() {
        return states.entrySet().stream().filter(e -> e.getValue() == State.RUNNING).map(Map.Entry::getKey).toList();
    }
}
