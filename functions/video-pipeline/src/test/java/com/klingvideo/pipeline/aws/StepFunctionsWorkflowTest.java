package com.klingvideo.pipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.SfnException;

class StepFunctionsWorkflowTest {

    private static final String STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:VideoJob";

    private final FakeSdkHttpClient http = new FakeSdkHttpClient();
    private final StepFunctionsWorkflow workflow =
            new StepFunctionsWorkflow(TestSdkClients.stepFunctions(http), STATE_MACHINE);

    @Test
    void start_should_startExecutionNamedAfterJob_when_called() throws Exception {
        // GIVEN Step Functions accepts the execution
        http.respondJson(200, "{\"executionArn\":\"" + STATE_MACHINE.replace("stateMachine", "execution")
                + ":job-1\",\"startDate\":1.7E9}");

        // WHEN the workflow starts for a job
        workflow.start("job-1", 30);

        // THEN the execution is named after the job and carries the first wait
        FakeSdkHttpClient.Recorded request = http.onlyRequest();
        assertThat(request.target()).isEqualTo("AWSStepFunctions.StartExecution");
        JsonNode body = request.json();
        assertThat(body.path("stateMachineArn").asText()).isEqualTo(STATE_MACHINE);
        assertThat(body.path("name").asText()).isEqualTo("job-1");
        JsonNode input = new ObjectMapper().readTree(body.path("input").asText());
        assertThat(input.path("jobId").asText()).isEqualTo("job-1");
        assertThat(input.path("waitSeconds").isIntegralNumber()).isTrue();
        assertThat(input.path("waitSeconds").asLong()).isEqualTo(30);
        assertThat(input.size()).isEqualTo(2);
    }

    @Test
    void start_should_succeed_when_executionAlreadyExists() {
        // GIVEN an execution with this name was started before
        http.respondJsonError(400, "ExecutionAlreadyExists", "Execution Already Exists: 'job-1'");

        // WHEN / THEN starting again is harmless
        assertThatCode(() -> workflow.start("job-1", 30)).doesNotThrowAnyException();
        assertThat(http.requests()).hasSize(1);
    }

    @Test
    void start_should_propagate_when_stateMachineDoesNotExist() {
        // GIVEN a wrong state machine ARN
        http.respondJsonError(400, "StateMachineDoesNotExist", "State Machine Does Not Exist");

        // WHEN / THEN the misconfiguration is not mistaken for success
        assertThatThrownBy(() -> workflow.start("job-1", 30)).isInstanceOf(SfnException.class);
    }

    @Test
    void start_should_rejectNegativeWait_when_called() {
        // WHEN / THEN a Wait state cannot wait a negative time, so nothing is sent
        assertThatThrownBy(() -> workflow.start("job-1", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(http.requests()).isEmpty();
    }
}
