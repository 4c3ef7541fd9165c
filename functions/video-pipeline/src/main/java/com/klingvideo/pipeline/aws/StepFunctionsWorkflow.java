package com.klingvideo.pipeline.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.domain.Workflow;
import java.util.Objects;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Follows a job with a Step Functions execution of the given name, with input
 * {@code {"jobId": ..., "waitSeconds": ...}} (the first Wait state reads {@code $.waitSeconds}).
 */
public final class StepFunctionsWorkflow implements Workflow {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SfnClient stepFunctions;
    private final String stateMachineArn;

    public StepFunctionsWorkflow(SfnClient stepFunctions, String stateMachineArn) {
        this.stepFunctions = Objects.requireNonNull(stepFunctions, "stepFunctions");
        this.stateMachineArn = Objects.requireNonNull(stateMachineArn, "stateMachineArn");
        if (!stateMachineArn.contains(":stateMachine:")) {
            throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
        }
    }

    @Override
    public Start start(String executionName, String jobId, long firstWaitSeconds) {
        if (firstWaitSeconds < 0) {
            throw new IllegalArgumentException("firstWaitSeconds must not be negative, was " + firstWaitSeconds);
        }
        ObjectNode input = JSON.createObjectNode().put("jobId", jobId).put("waitSeconds", firstWaitSeconds);
        try {
            stepFunctions.startExecution(r -> r.stateMachineArn(stateMachineArn)
                    .name(executionName)
                    .input(input.toString()));
            return Start.STARTED;
        } catch (ExecutionAlreadyExistsException e) {
            // Step Functions answers a repeat of a running execution with the same input as a success;
            // this is a running one with other input, or one that has ended.
            return state(executionName) == State.RUNNING ? Start.RUNNING : Start.TAKEN;
        }
    }

    @Override
    public State state(String executionName) {
        try {
            ExecutionStatus status = stepFunctions.describeExecution(r -> r.executionArn(executionArn(executionName)))
                    .status();
            return status == ExecutionStatus.RUNNING ? State.RUNNING : State.ENDED;
        } catch (ExecutionDoesNotExistException e) {
            return State.ABSENT;
        }
    }

    /** {@code arn:...:stateMachine:<name>} names its executions {@code arn:...:execution:<name>:<execution>}. */
    String executionArn(String executionName) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + executionName;
    }
}
