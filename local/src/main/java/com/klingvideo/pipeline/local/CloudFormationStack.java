package com.klingvideo.pipeline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * template.yaml deployed into moto by moto's own CloudFormation ({@code local/deploy_stack.py}: the SAM
 * transform offline, then CreateStack): the stack's outputs, and what moto made of the functions and
 * schedules, which the local stack runs itself.
 */
final class CloudFormationStack {
    static final String REGION = "us-east-1";
    /** moto's default account. */
    static final String ACCOUNT = "123456789012";
    static final String STACK_NAME = "kling-video-pipeline-local";

    /** A function as deployed: {@code arn} is the alias ARN that events and the state machine call. */
    record Function(String name, String arn, String handler, Map<String, String> environment, Duration timeout,
                    int memorySize, int maximumRetryAttempts, String onFailureQueueUrl) {
    }

    /** A function the template runs on a schedule (an {@code AWS::Scheduler::Schedule}). */
    record Schedule(String name, String function, Duration every) {
    }

    private final JsonNode deployment;

    private CloudFormationStack(JsonNode deployment) {
        this.deployment = deployment;
    }

    /** Creates the stack in the moto at {@code endpoint}, with these parameter values (the rest: defaults). */
    static CloudFormationStack deploy(RepositoryLayout repo, URI endpoint, Map<String, String> parameters) {
        List<String> command = new ArrayList<>(List.of(MotoServer.findPython(repo),
                repo.resolve("local/deploy_stack.py").toString(),
                "--endpoint", endpoint.toString(),
                "--template", repo.template().toString(),
                "--stack-name", STACK_NAME));
        parameters.forEach((key, value) -> command.addAll(List.of("--parameter", key + "=" + value)));
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            String[] stderr = new String[1];
            Thread drain = new Thread(() -> {
                try {
                    stderr[0] = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    stderr[0] = e.toString();
                }
            });
            drain.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = process.waitFor();
            drain.join();
            if (status != 0) {
                throw new IllegalStateException("local/deploy_stack.py failed (exit " + status + "): "
                        + lastLines(stderr[0], 20));
            }
            return new CloudFormationStack(new ObjectMapper().readTree(out));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run local/deploy_stack.py", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deploying the stack", e);
        }
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().filter(l -> !l.contains("No Moto CloudFormation support")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** An output of the template; fails when the stack has none of that name. */
    String output(String key) {
        JsonNode value = deployment.path("outputs").get(key);
        if (value == null) {
            throw new IllegalStateException("the local stack has no output " + key);
        }
        return value.asText();
    }

    List<Function> functions() {
        List<Function> functions = new ArrayList<>();
        deployment.path("functions").properties().forEach(entry -> {
            JsonNode f = entry.getValue();
            Map<String, String> environment = new HashMap<>();
            f.path("environment").properties().forEach(v -> environment.put(v.getKey(), v.getValue().asText()));
            functions.add(new Function(entry.getKey(), f.path("arn").asText(), f.path("handler").asText(), environment,
                    Duration.ofSeconds(f.path("timeoutSeconds").asLong()), f.path("memorySize").asInt(),
                    f.path("maximumRetryAttempts").asInt(), f.path("onFailureQueueUrl").textValue()));
        });
        return functions;
    }

    /** Every schedule; only {@code rate(...)} expressions are understood. */
    List<Schedule> schedules() {
        List<Schedule> schedules = new ArrayList<>();
        for (JsonNode s : deployment.path("schedules")) {
            schedules.add(new Schedule(s.path("name").asText(), s.path("function").asText(),
                    rate(s.path("name").asText(), s.path("expression").asText())));
        }
        return schedules;
    }

    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    static Duration rate(String where, String expression) {
        Matcher m = RATE.matcher(expression.trim());
        if (!m.matches()) {
            throw new IllegalStateException(where + ": the local stack runs rate(...) schedules only, not " + expression);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "minute", "minutes" -> Duration.ofMinutes(n);
            case "hour", "hours" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
