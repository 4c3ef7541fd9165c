package com.klingvideo.pipeline.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * moto in server mode, started through {@code local/moto_launcher.py} (which routes moto's Lambda calls
 * to the local Lambda host) in a child process that this object owns and stops by its process id.
 */
public final class MotoServer implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Finds a Python that can import moto ({@code local/bin/find-python}), starts the launcher on
     * {@code host:port} and waits for its ready line. Its output goes to {@code log}.
     *
     * @throws IllegalStateException with the launcher's own explanation when it cannot start
     */
    public static MotoServer start(RepositoryLayout repo, String host, int port, URI lambdaEndpoint, Path log) {
        String python = findPython(repo);
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(python, repo.resolve("local/moto_launcher.py").toString(),
                    "--host", host, "--port", String.valueOf(port), "--lambda-endpoint", lambdaEndpoint.toString(),
                    "--quiet")
                    .redirectErrorStream(true);
            builder.environment().put("PYTHONUNBUFFERED", "1");
            Process process = builder.start();
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread pump = new Thread(() -> pump(process, log, ready), "moto-output");
            pump.setDaemon(true);
            pump.start();
            String line;
            try {
                line = ready.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly();
                throw new IllegalStateException("moto did not start within " + STARTUP.toSeconds() + " s; see " + log);
            } catch (Exception e) {
                process.destroyForcibly();
                throw new IllegalStateException("moto did not start: " + rootMessage(e) + " (see " + log + ")");
            }
            return new MotoServer(process, URI.create(line.substring("moto ready on ".length()).split(" ")[0]));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + python, e);
        }
    }

    private static void pump(Process process, Path log, CompletableFuture<String> ready) {
        StringBuilder early = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); PrintStream file = new PrintStream(Files.newOutputStream(log), true,
                StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                file.println(line);
                if (!ready.isDone()) {
                    if (line.startsWith("moto ready on ")) {
                        ready.complete(line);
                    } else {
                        early.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // The process is gone; whoever waits learns it below.
        }
        if (!ready.isDone()) {
            ready.completeExceptionally(new IllegalStateException(early.toString().strip()));
        }
    }

    static String findPython(RepositoryLayout repo) {
        try {
            Process find = new ProcessBuilder("bash", repo.resolve("local/bin/find-python").toString(), "moto")
                    .redirectErrorStream(false)
                    .start();
            String out = new String(find.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String err = new String(find.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (find.waitFor() != 0 || out.isEmpty()) {
                throw new IllegalStateException(err.isEmpty() ? "no Python with moto found" : err);
            }
            List<String> lines = out.lines().toList();
            return lines.get(lines.size() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run local/bin/find-python", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for Python", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public URI endpoint() {
        return endpoint;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the launcher (SIGTERM, then SIGKILL after a grace period) and waits until it is gone. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
