package com.klingvideo.pipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.domain.Workflow;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.SfnException;

class StepFunctionsWorkflowTest {

    private static final String STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:VideoJob";
    private static final String EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:VideoJob:job-1-2";

    private final FakeSdkHttpClient http = new FakeSdkHttpClient();
    private final StepFunctionsWorkflow workflow =
            new StepFunctionsWorkflow(TestSdkClients.stepFunctions(http), STATE_MACHINE);

    @Test
    void start_should_startTheNamedExecutionWithTheJobAndFirstWait_when_called() throws Exception {
        // GIVEN Step Functions accepts the execution
        http.respondJson(200, "{\"executionArn\":\"" + EXECUTION + "\",\"startDate\":1.7E9}");

        // WHEN the workflow starts the job's second execution
        Workflow.Start start = workflow.start("job-1-2", "job-1", 30);

        // THEN the execution has that name and carries the job and the first wait, nothing else
        assertThat(start).isEqualTo(Workflow.Start.STARTED);
        FakeSdkHttpClient.Recorded request = http.onlyRequest();
        assertThat(request.target()).isEqualTo("AWSStepFunctions.StartExecution");
        JsonNode body = request.json();
        assertThat(body.path("stateMachineArn").asText()).isEqualTo(STATE_MACHINE);
        assertThat(body.path("name").asText()).isEqualTo("job-1-2");
        JsonNode input = new ObjectMapper().readTree(body.path("input").asText());
        assertThat(input.path("jobId").asText()).isEqualTo("job-1");
        assertThat(input.path("waitSeconds").isIntegralNumber()).isTrue();
        assertThat(input.path("waitSeconds").asLong()).isEqualTo(30);
        assertThat(input.size()).isEqualTo(2);
    }

    @Test
    void start_should_sayRunning_when_anExecutionOfThatNameRuns() {
        // GIVEN the name is taken by an execution that still runs
        http.respondJsonError(400, "ExecutionAlreadyExists", "Execution Already Exists: 'job-1-2'");
        http.respondJson(200, "{\"executionArn\":\"" + EXECUTION + "\",\"status\":\"RUNNING\",\"startDate\":1.7E9,"
                + "\"stateMachineArn\":\"" + STATE_MACHINE + "\"}");

        // WHEN / THEN starting again is harmless: the job is followed
        assertThat(workflow.start("job-1-2", "job-1", 0)).isEqualTo(Workflow.Start.RUNNING);
        assertThat(http.requests().get(1).target()).isEqualTo("AWSStepFunctions.DescribeExecution");
        assertThat(http.requests().get(1).json().path("executionArn").asText()).isEqualTo(EXECUTION);
    }

    @Test
    void start_should_sayTaken_when_theNameBelongsToAnEndedExecution() {
        // GIVEN the name was used by an execution that has ended (names stay taken for 90 days)
        http.respondJsonError(400, "ExecutionAlreadyExists", "Execution Already Exists: 'job-1-2'");
        http.respondJson(200, "{\"executionArn\":\"" + EXECUTION + "\",\"status\":\"SUCCEEDED\",\"startDate\":1.7E9,"
                + "\"stateMachineArn\":\"" + STATE_MACHINE + "\"}");

        // WHEN / THEN the caller learns it must use another name: nothing follows the job yet
        assertThat(workflow.start("job-1-2", "job-1", 0)).isEqualTo(Workflow.Start.TAKEN);
    }

    @Test
    void state_should_readTheExecution_when_askedByName() {
        http.respondJson(200, "{\"executionArn\":\"" + EXECUTION + "\",\"status\":\"RUNNING\",\"startDate\":1.7E9,"
                + "\"stateMachineArn\":\"" + STATE_MACHINE + "\"}");
        http.respondJson(200, "{\"executionArn\":\"" + EXECUTION + "\",\"status\":\"ABORTED\",\"startDate\":1.7E9,"
                + "\"stateMachineArn\":\"" + STATE_MACHINE + "\"}");
        http.respondJsonError(400, "ExecutionDoesNotExist", "Execution Does Not Exist");

        assertThat(workflow.state("job-1-2")).isEqualTo(Workflow.State.RUNNING);
        assertThat(workflow.state("job-1-2")).isEqualTo(Workflow.State.ENDED);
        assertThat(workflow.state("job-1-2")).isEqualTo(Workflow.State.ABSENT);
    }

    @Test
    void start_should_propagate_when_stateMachineDoesNotExist() {
        // GIVEN a wrong state machine ARN
        http.respondJsonError(400, "StateMachineDoesNotExist", "State Machine Does Not Exist");

        // WHEN / THEN the misconfiguration is not mistaken for success
        assertThatThrownBy(() -> workflow.start("job-1", "job-1", 30)).isInstanceOf(SfnException.class);
    }

    @Test
    void start_should_rejectNegativeWait_when_called() {
        // WHEN / THEN a Wait state cannot wait a negative time, so nothing is sent
        assertThatThrownBy(() -> workflow.start("job-1", "job-1", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(http.requests()).isEmpty();
    }
}
