package org.civicstack.payments.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.civicstack.payments.PaymentsApplication;
import org.civicstack.payments.PaymentsTestSupport;
import org.civicstack.testkit.TestInfrastructure;

/**
 * Payments in a JVM of its own (the crash proof kills it, the benchmark measures it without the test JVM's load): the
 * shared test PostgreSQL and Redis, a database of its own, tokens and identity from {@link PaymentsTestSupport}'s
 * stand-ins; started on a fixed port (restarts keep it: channels know the notification URL), stopped with
 * {@code kill -9}. Its output goes to {@code target/payments-<database>-*.log}.
 */
public final class PaymentsProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;
    private final List<String> jvmOptions;
    private final List<String> arguments = new ArrayList<>();
    private final Path log;
    private Process process;
    private int kills;

    /**
     * @param settings further {@code --key=value} arguments (channels, timings)
     * @param jvmOptions e.g. {@code -Xmx384m}
     */
    public PaymentsProcess(String database, int port, List<String> settings, String... jvmOptions) throws IOException {
        this.port = port;
        this.jvmOptions = List.of(jvmOptions);
        this.log = Files.createTempFile(Path.of("target"), "payments-" + database + "-", ".log");
        TestInfrastructure.shared().serviceProperties().forEach((k, v) -> arguments.add("--" + k + "=" + v));
        arguments.addAll(List.of("--civicstack.postgres.database=" + database,
                "--server.port=" + port,
                "--civicstack.payments.public-base-url=http://localhost:" + port,
                "--civicstack.payments.reconciliation.enabled=false",
                "--civicstack.security.jwks-uri=" + PaymentsTestSupport.tokens.jwksUri(),
                "--civicstack.payments.identity.token-uri=" + PaymentsTestSupport.identity.baseUrl() + "/oauth2/token",
                "--civicstack.payments.identity.base-url=" + PaymentsTestSupport.identity.baseUrl(),
                "--civicstack.payments.identity.client-secret=test-secret",
                "--civicstack.upstream-network.allow-public-internet=true"));
        arguments.addAll(settings);
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public int kills() {
        return kills;
    }

    /** Starts it and waits until its health answers UP. */
    public void start() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PaymentsApplication.class.getName()));
        command.addAll(arguments);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!healthy()) {
            assertThat(process.isAlive()).as("payments started (log: %s)", log).isTrue();
            assertThat(System.nanoTime()).as("payments up within 90 s (log: %s)", log).isLessThan(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private boolean healthy() {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri("/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code kill -9}: no shutdown hook, no graceful stop, whatever was in flight is lost. */
    public void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("payments died").isTrue();
            assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
            kills++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
