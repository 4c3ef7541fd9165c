package com.klingvideo.pipeline.local;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the repository's own files are. The repository root is the nearest folder, from the working
 * directory upwards, that holds {@code template.yaml}: Maven runs module tests from the module folder,
 * scripts run from the root.
 */
public final class RepositoryLayout {
    public static final String TEMPLATE = "template.yaml";

    private final Path root;

    private RepositoryLayout(Path root) {
        this.root = root;
    }

    /** Finds the root from the working directory. */
    public static RepositoryLayout locate() {
        return locateFrom(Path.of("").toAbsolutePath());
    }

    /**
     * Finds the root from {@code start} or one of its parents.
     *
     * @throws IllegalStateException when no folder on the way up holds {@value #TEMPLATE}
     */
    public static RepositoryLayout locateFrom(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(TEMPLATE))) {
                return new RepositoryLayout(dir);
            }
        }
        throw new IllegalStateException("no " + TEMPLATE + " in " + start + " or any folder above it");
    }

    public Path root() {
        return root;
    }

    public Path template() {
        return root.resolve(TEMPLATE);
    }

    /** A path relative to the root, as the template writes them ({@code statemachine/video-job.asl.json}). */
    public Path resolve(String relativePath) {
        return root.resolve(relativePath);
    }
}
