package com.klingvideo.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.config.Components;
import com.klingvideo.pipeline.domain.PollPolicy;
import com.klingvideo.pipeline.domain.SubmitRetryPolicy;
import com.klingvideo.pipeline.local.RepositoryLayout;
import com.klingvideo.pipeline.local.SamTemplate;
import com.klingvideo.pipeline.model.JobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The state machine file against itself, the template that deploys it, and the Java code whose
 * outputs and exceptions it names. cfn-lint does not look inside the definition file.
 */
class StateMachineDefinitionTest {
    private static final String STATE_MACHINE = "VideoJobStateMachine";
    private static final String CHECK_TASK = "Check Kling Status";
    private static final Set<String> LAMBDA_SERVICE_ERRORS = Set.of(
            "Lambda.ServiceException",
            "Lambda.AWSLambdaException",
            "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException");
    private static final String RECORD_FAILURE = "Record Failure";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private static SamTemplate template;
    private static String definitionText;
    private static JsonNode definition;
    private static Map<String, JsonNode> states;

    @BeforeAll
    static void readDefinition() throws IOException {
        RepositoryLayout repository = RepositoryLayout.locate();
        template = SamTemplate.read(repository.template());
        // The template says which file it deploys; read exactly that one.
        Path file = repository.resolve(template.properties(STATE_MACHINE).path("DefinitionUri").asText());
        definitionText = Files.readString(file);
        definition = new ObjectMapper().readTree(definitionText);
        states = new LinkedHashMap<>();
        definition.path("States").properties().forEach(e -> states.put(e.getKey(), e.getValue()));
    }

    @Test
    void transitions_should_name_existing_states() {
        // GIVEN every transition target in the definition
        List<String> targets = new ArrayList<>();
        targets.add(definition.path("StartAt").asText());
        states.values().forEach(state -> targets.addAll(transitions(state)));

        // THEN each one is a state
        assertThat(targets).isNotEmpty().allSatisfy(target -> assertThat(states).containsKey(target));
    }

    @Test
    void every_state_should_be_reachable_from_start() {
        assertThat(reachableFrom(definition.path("StartAt").asText())).containsAll(states.keySet());
    }

    @Test
    void the_success_and_both_failure_exits_should_be_reachable() {
        // WHEN following transitions from the start
        Map<String, String> exits = new HashMap<>();
        for (String name : reachableFrom(definition.path("StartAt").asText())) {
            JsonNode state = states.get(name);
            String type = state.path("Type").asText();
            if (type.equals("Succeed") || type.equals("Fail")) {
                exits.put(name, type + ":" + state.path("Error").asText(""));
            }
        }

        // THEN the job can end stored, failed or given up, or go back to the queue for a slot
        assertThat(exits).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Video Stored", "Succeed:",
                "Back In Queue", "Succeed:",
                "Video Failed", "Fail:VideoFailed",
                "Gave Up", "Fail:GaveUp"));
    }

    @Test
    void every_state_should_have_a_way_out_to_an_end() {
        for (Map.Entry<String, JsonNode> state : states.entrySet()) {
            if (isTerminal(state.getValue())) {
                continue;
            }
            assertThat(transitions(state.getValue()))
                    .as("transitions of '%s'", state.getKey())
                    .isNotEmpty();
            // A loop with no exit would poll forever (until the execution timeout).
            assertThat(reachableFrom(state.getKey()))
                    .as("states reachable from '%s'", state.getKey())
                    .anySatisfy(next -> assertThat(isTerminal(states.get(next))).isTrue());
        }
    }

    @Test
    void placeholders_should_match_the_templates_definition_substitutions() {
        // GIVEN the ${...} placeholders in the file and the substitutions the template provides
        Set<String> placeholders = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(definitionText);
        while (matcher.find()) {
            placeholders.add(matcher.group(1));
        }
        Set<String> substitutions = new TreeSet<>();
        template.properties(STATE_MACHINE).path("DefinitionSubstitutions").fieldNames()
                .forEachRemaining(substitutions::add);

        // THEN each placeholder is substituted and each substitution is used
        assertThat(placeholders).isNotEmpty().isEqualTo(substitutions);
    }

    @Test
    void tasks_should_call_the_check_status_function_through_its_alias() {
        JsonNode substitution = template.properties(STATE_MACHINE)
                .path("DefinitionSubstitutions").path("CheckStatusFunctionArn");
        assertThat(substitution.path("Ref").asText()).isEqualTo("CheckStatusFunction.Alias");
        assertThat(tasks()).allSatisfy((name, task) ->
                assertThat(task.path("Resource").asText()).as(name).isEqualTo("${CheckStatusFunctionArn}"));
    }

    @Test
    void every_task_should_retry_lambda_service_errors() {
        assertThat(tasks()).isNotEmpty().allSatisfy((name, task) ->
                assertThat(task.path("Retry"))
                        .as("Retry of '%s'", name)
                        .anySatisfy(retrier -> assertThat(errorNames(retrier)).containsAll(LAMBDA_SERVICE_ERRORS)));
    }

    @Test
    void a_recorded_failure_should_go_back_through_the_choice_so_a_live_job_keeps_waiting() {
        // GIVEN the state that records a check the function could not complete
        JsonNode record = states.get(RECORD_FAILURE);
        // THEN it goes on to the choice, which ends the job only when the function says it ended
        assertThat(states.get(CHECK_TASK).path("Catch")).anySatisfy(rule ->
                assertThat(rule.path("Next").asText()).isEqualTo(RECORD_FAILURE));
        assertThat(record.path("Next").asText()).isEqualTo(states.get(CHECK_TASK).path("Next").asText());
        assertThat(states.get(record.path("Next").asText()).path("Type").asText()).isEqualTo("Choice");
    }

    @Test
    void the_check_task_should_not_spend_its_retries_on_kling_outages() {
        // Kling's failures are handled by the function (the job waits and backs off until its poll limit);
        // a Retry on them would only end in Record Failure sooner.
        Set<String> retried = new HashSet<>();
        states.get(CHECK_TASK).path("Retry").forEach(retrier -> retried.addAll(errorNames(retrier)));
        assertThat(retried).noneMatch(name -> name.contains("Kling"));
    }

    @Test
    void exception_names_in_retry_and_catch_should_be_real_runtime_exceptions() {
        // A renamed or moved exception class would silently stop matching its Retry.
        Set<String> javaNames = new TreeSet<>();
        for (JsonNode state : states.values()) {
            for (String field : List.of("Retry", "Catch")) {
                state.path(field).forEach(rule -> errorNames(rule).stream()
                        .filter(name -> name.startsWith("com.klingvideo."))
                        .forEach(javaNames::add));
            }
        }
        assertThat(javaNames).isNotEmpty().allSatisfy(name -> {
            Class<?> type = Class.forName(name);
            assertThat(RuntimeException.class).as(name).isAssignableFrom(type);
        });
    }

    @Test
    void waits_should_take_their_seconds_from_state_data() {
        Map<String, JsonNode> waits = ofType("Wait");
        assertThat(waits).isNotEmpty().allSatisfy((name, wait) -> {
            assertThat(wait.path("SecondsPath").asText()).as(name).startsWith("$.");
            assertThat(wait.has("Seconds") || wait.has("Timestamp") || wait.has("TimestampPath"))
                    .as("'%s' hard-codes its wait", name)
                    .isFalse();
        });
    }

    @Test
    void choices_should_test_statuses_the_job_model_knows() {
        for (JsonNode choice : ofType("Choice").values()) {
            for (JsonNode rule : choice.path("Choices")) {
                if (rule.path("Variable").asText().equals("$.status")) {
                    // Fails with IllegalArgumentException on a status JobStatus does not have.
                    JobStatus.valueOf(rule.path("StringEquals").asText());
                }
            }
        }
        assertThat(ofType("Choice")).isNotEmpty();
    }

    @Test
    void choice_should_end_the_execution_first_when_the_job_went_back_to_the_queue() {
        JsonNode first = states.get("Video Ready?").path("Choices").path(0);
        assertThat(first.path("Variable").asText()).isEqualTo("$.inQueue");
        assertThat(first.path("BooleanEquals").asBoolean()).isTrue();
        assertThat(states.get(first.path("Next").asText()).path("Type").asText()).isEqualTo("Succeed");
    }

    /**
     * An execution's history is capped at 25,000 events. Waiting for a slot happens outside any
     * execution; inside one, the loop turns once per status check or submit attempt, and the functions
     * refuse settings that allow more than {@link Components#MAX_LOOP_TURNS} turns.
     */
    @Test
    void history_should_stay_under_half_the_limit_whatever_the_settings_allow() {
        // GIVEN the events one turn of the loop writes (Wait and Choice: entered, exited; a Lambda task:
        // entered, scheduled, started, succeeded, exited)
        int perTurn = 0;
        String name = "Wait For Video";
        Set<String> seen = new HashSet<>();
        while (seen.add(name)) {
            JsonNode state = states.get(name);
            perTurn += state.path("Type").asText().equals("Task") ? 5 : 2;
            name = state.has("Next") ? state.path("Next").asText() : state.path("Default").asText();
        }
        assertThat(perTurn).isEqualTo(9);
        // THEN the most turns the functions accept stay under half the history
        assertThat(Components.MAX_LOOP_TURNS * perTurn).isLessThan(25_000 / 2);
        // AND at the template's largest limits with the default intervals a job uses a small part of it
        int maxPoll = template.root().path("Parameters").path("MaxPollMinutes").path("MaxValue").asInt();
        int maxSubmit = template.root().path("Parameters").path("SubmitDeadlineMinutes").path("MaxValue").asInt();
        int turns = new PollPolicy(PollPolicy.DEFAULT_MIN_INTERVAL, PollPolicy.DEFAULT_MAX_INTERVAL,
                Duration.ofMinutes(maxPoll), null).maxChecks()
                + SubmitRetryPolicy.standard(Duration.ofMinutes(maxSubmit), () -> 0).maxAttempts();
        assertThat(turns * perTurn).isLessThan(25_000 / 8);
    }

    @Test
    void execution_should_have_a_backstop_timeout() {
        assertThat(definition.path("TimeoutSeconds").asInt()).isPositive();
    }

    /** The template's descriptions and the README's alarm table state the backstop in hours: the definition's. */
    @Test
    void backstop_hours_stated_in_the_template_and_readme_should_be_the_definitions_timeout() throws IOException {
        RepositoryLayout repository = RepositoryLayout.locate();
        String text = Files.readString(repository.template()) + Files.readString(repository.resolve("README.md"));
        Matcher stated = Pattern.compile("(\\d+)-hour\\s+backstop").matcher(text);
        List<Integer> hours = new ArrayList<>();
        while (stated.find()) {
            hours.add(Integer.parseInt(stated.group(1)));
        }
        assertThat(hours).isNotEmpty().containsOnly(definition.path("TimeoutSeconds").asInt() / 3600);
        assertThat(definition.path("TimeoutSeconds").asInt() % 3600).isZero();
    }

    private static Map<String, JsonNode> tasks() {
        return ofType("Task");
    }

    private static Map<String, JsonNode> ofType(String type) {
        Map<String, JsonNode> matching = new LinkedHashMap<>();
        states.forEach((name, state) -> {
            if (state.path("Type").asText().equals(type)) {
                matching.put(name, state);
            }
        });
        return matching;
    }

    private static boolean isTerminal(JsonNode state) {
        String type = state.path("Type").asText();
        return type.equals("Succeed") || type.equals("Fail") || state.path("End").asBoolean(false);
    }

    private static List<String> transitions(JsonNode state) {
        List<String> targets = new ArrayList<>();
        if (state.has("Next")) {
            targets.add(state.path("Next").asText());
        }
        if (state.has("Default")) {
            targets.add(state.path("Default").asText());
        }
        state.path("Choices").forEach(rule -> targets.add(rule.path("Next").asText()));
        state.path("Catch").forEach(rule -> targets.add(rule.path("Next").asText()));
        return targets;
    }

    private static Set<String> reachableFrom(String start) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            // Unknown targets are left out here; transitions_should_name_existing_states reports them.
            if (states.containsKey(name) && seen.add(name)) {
                todo.addAll(transitions(states.get(name)));
            }
        }
        return seen;
    }

    private static List<String> errorNames(JsonNode rule) {
        List<String> names = new ArrayList<>();
        rule.path("ErrorEquals").forEach(name -> names.add(name.asText()));
        return names;
    }
}
