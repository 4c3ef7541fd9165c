package com.klingvideo.pipeline.local.it;

import com.klingvideo.pipeline.local.LocalStack;
import com.klingvideo.pipeline.local.LocalStackOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local stack for a test class: started before its first test in a fresh state directory, stopped
 * (every process and port) after its last.
 */
final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback {
    private final Function<Path, LocalStackOptions> options;
    private Path state;
    private LocalStack stack;
    private StackDriver driver;

    /** @param options the stack's options, given its state directory */
    LocalStackExtension(Function<Path, LocalStackOptions> options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        state = Files.createTempDirectory("local-stack-it");
        stack = LocalStack.start(options.apply(state));
        driver = new StackDriver(stack);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (stack != null) {
            stack.close();
        }
        try (Stream<Path> files = Files.walk(state)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    LocalStack stack() {
        return stack;
    }

    StackDriver driver() {
        return driver;
    }
}
