package com.klingvideo.pipeline.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.domain.Workflow;
import java.util.Objects;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Starts the poll loop as a Step Functions execution named after the job, with input
 * {@code {"jobId": ..., "waitSeconds": ...}} (the first Wait state reads {@code $.waitSeconds}).
 */
public final class StepFunctionsWorkflow implements Workflow {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SfnClient stepFunctions;
    private final String stateMachineArn;

    public StepFunctionsWorkflow(SfnClient stepFunctions, String stateMachineArn) {
        this.stepFunctions = Objects.requireNonNull(stepFunctions, "stepFunctions");
        this.stateMachineArn = Objects.requireNonNull(stateMachineArn, "stateMachineArn");
    }

    @Override
    public void start(String jobId, long firstWaitSeconds) {
        if (firstWaitSeconds < 0) {
            throw new IllegalArgumentException("firstWaitSeconds must not be negative, was " + firstWaitSeconds);
        }
        ObjectNode input = JSON.createObjectNode().put("jobId", jobId).put("waitSeconds", firstWaitSeconds);
        try {
            stepFunctions.startExecution(r -> r.stateMachineArn(stateMachineArn)
                    .name(jobId)
                    .input(input.toString()));
        } catch (ExecutionAlreadyExistsException e) {
            // The job is already being followed (a redelivered event or a retried submit): nothing to do.
        }
    }
}
