package org.civicstack.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher as {@code ./civicstack} runs it: {@code java -jar civicstack-launcher.jar} in a process of its own,
 * every service on a free port, with extra environment variables; its console output collected for polling.
 * Closing it kills whatever is still running of it.
 */
final class LauncherProcess implements AutoCloseable {

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private LauncherProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.append(line).append('\n');
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "launcher-output");
        reader.setDaemon(true);
        reader.start();
    }

    static LauncherProcess start(Map<String, String> environment) throws IOException {
        Path servicesDir = Path.of(System.getProperty("civicstack.launcher.services-dir", "target/services"));
        Path jar = servicesDir.toAbsolutePath().getParent().resolve("civicstack-launcher.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with 'verify'");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", jar.toString())).redirectErrorStream(true);
        for (ServiceSpec spec : ServiceSpec.BACKENDS) {
            builder.environment().put(org.civicstack.infra.InfraSettings.envName(spec.portProperty()), "0");
        }
        builder.environment().put(org.civicstack.infra.InfraSettings.envName(ServiceSpec.GATEWAY.portProperty()), "0");
        builder.environment().put("CIVICSTACK_LAUNCHER_SERVICES_DIR", servicesDir.toAbsolutePath().toString());
        // these tests are about the servers the launcher starts itself
        builder.environment().remove("CIVICSTACK_POSTGRES_HOST");
        builder.environment().remove("CIVICSTACK_REDIS_URL");
        builder.environment().putAll(environment);
        return new LauncherProcess(builder.start());
    }

    Process process() {
        return process;
    }

    /** Waits for the process to exit and for its output to be read to the end; {@code false} at the deadline. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        return !reader.isAlive();
    }

    String output() {
        return output.toString();
    }

    /** Polls the output until {@code pattern} appears; fails with the output so far at the deadline. */
    Matcher awaitOutput(Pattern pattern, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Matcher matcher = pattern.matcher(output);
            if (matcher.find()) {
                return matcher;
            }
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("no '" + pattern + "' in the launcher's output (alive: " + process.isAlive()
                        + "):\n" + output);
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
