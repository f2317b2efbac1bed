package org.civicstack.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.LoggerFactory;

/**
 * A temporary directory owned by one all-in-one run ({@code $TMPDIR/civicstack-run-*}), removed when the run
 * stops. Services put their scratch files there — an embedded Tomcat's base directory would otherwise be a new
 * {@code /tmp/tomcat.<port>.*} left behind by every run, because the JVM's delete-on-exit removes only empty
 * directories.
 */
final class RunDirectory implements AutoCloseable {

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    static RunDirectory create() {
        try {
            return new RunDirectory(Files.createTempDirectory("civicstack-run-"));
        } catch (IOException e) {
            throw new LaunchException("Cannot create the run's temporary directory in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    Path root() {
        return root;
    }

    /** The service's own scratch directory inside the run's (created by the service when it needs it). */
    Path serviceDirectory(ServiceSpec spec) {
        return root.resolve(spec.name());
    }

    /** Deletes the directory and everything in it; a file that cannot be deleted is logged, not thrown. */
    @Override
    public void close() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LoggerFactory.getLogger(RunDirectory.class).warn("could not remove {}: {}", root, e.toString());
        }
    }
}
