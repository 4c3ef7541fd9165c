package com.klingvideo.pipeline.local.it;

import com.klingvideo.pipeline.local.LocalStack;
import com.klingvideo.pipeline.local.RepositoryLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The aws CLI commands the README shows for the local stack (the shell block after the
 * {@code <!-- local-cli} marker), run as a user would, with the real aws CLI.
 */
final class ReadmeCommands {
    private static final String MARKER = "<!-- local-cli";
    private static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4566";
    private static final Pattern BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern VARIABLE = Pattern.compile("^(BUCKET|TABLE)=(\\S+)$", Pattern.MULTILINE);

    record Result(int exitCode, String output) {
    }

    private ReadmeCommands() {
    }

    /** The commands, one per line. */
    static List<String> localCli(RepositoryLayout repo) throws IOException {
        String readme = Files.readString(repo.resolve("README.md"), StandardCharsets.UTF_8);
        int marker = readme.indexOf(MARKER);
        if (marker < 0) {
            throw new AssertionError("README.md has no " + MARKER + " block");
        }
        Matcher block = BLOCK.matcher(readme);
        if (!block.find(marker)) {
            throw new AssertionError("no ```sh block after " + MARKER + " in README.md");
        }
        return block.group(1).lines().filter(l -> !l.isBlank()).toList();
    }

    /** The values the README tells users to set for BUCKET and TABLE. */
    static Map<String, String> documentedVariables(RepositoryLayout repo) throws IOException {
        String readme = Files.readString(repo.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher m = VARIABLE.matcher(readme.substring(readme.indexOf("## Run it locally")));
        Map<String, String> values = new java.util.HashMap<>();
        while (m.find()) {
            values.put(m.group(1), m.group(2));
        }
        return values;
    }

    /**
     * Runs one command with bash in the repository root, as the README sets it up: dummy credentials,
     * BUCKET and TABLE, and {@code aws} being the aws CLI of a Python that has it. The README's default
     * endpoint is replaced by this stack's (tests use free ports).
     */
    static Result run(String command, LocalStack.Endpoints endpoints) throws IOException, InterruptedException {
        RepositoryLayout repo = RepositoryLayout.locate();
        String python = findPython(repo);
        String script = "aws() { \"" + python + "\" -m awscli \"$@\"; }\n"
                + command.replace(DEFAULT_ENDPOINT, endpoints.awsEndpoint().toString());
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script)
                .directory(repo.root().toFile())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", endpoints.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", endpoints.secretAccessKey());
        env.put("AWS_DEFAULT_REGION", endpoints.region());
        env.put("BUCKET", endpoints.bucket());
        env.put("TABLE", endpoints.table());
        env.put("AWS_PAGER", "");
        env.remove("AWS_PROFILE");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the aws CLI did not finish: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static String findPython(RepositoryLayout repo) throws IOException, InterruptedException {
        Process find = new ProcessBuilder("bash", repo.resolve("local/bin/find-python").toString(), "awscli")
                .redirectErrorStream(true).start();
        String out = new String(find.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (find.waitFor() != 0) {
            throw new AssertionError("no Python with the aws CLI: " + out);
        }
        List<String> lines = out.lines().toList();
        return lines.get(lines.size() - 1);
    }
}
