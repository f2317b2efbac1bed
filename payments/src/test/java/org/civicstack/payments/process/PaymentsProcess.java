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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.civicstack.payments.PaymentsApplication;
import org.civicstack.payments.PaymentsTestSupport;
import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.sandbox.SandboxChannel;
import org.civicstack.testkit.TestInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payments in a JVM of its own (the crash proof kills it, the benchmark measures it without the test JVM's load): the
 * shared test PostgreSQL and Redis, a database of its own, tokens and identity from {@link PaymentsTestSupport}'s
 * stand-ins; started on a fixed port (restarts keep it: channels know the notification URL), stopped with
 * {@code kill -9}. Its output goes to {@code target/payments-<database>-*.log}.
 */
public final class PaymentsProcess {

    private static final JsonMapper JSON = JsonMapper.builder().build();
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

    /** An authorised JSON call to it that must answer {@code expected}; the answer's body. */
    public JsonNode call(HttpRequest.Builder request, String token, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return JSON.readTree(response.body());
    }

    public static HttpRequest.BodyPublisher json(Object body) {
        return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
    }

    /**
     * What an agency does to take money through the sandbox: its merchant account here (webhooks to
     * {@code webhookUrl}), an account opened at the provider, and that account entered here; the account as the
     * channel adapter sees it.
     */
    public ChannelAccount openSandboxMerchant(String agencyToken, URI provider, String webhookUrl)
            throws IOException, InterruptedException {
        call(HttpRequest.newBuilder(uri("/v1/payments/merchant")).PUT(json(Map.of(
                "display_name", "深圳市人民医院", "webhook_url", webhookUrl,
                "settlement", Map.of("account_name", "深圳市人民医院", "bank_name", "中国银行深圳分行",
                        "account_number", "6216601234567890")))), agencyToken, 201);
        JsonNode merchant = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(provider + "/v1/merchants"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        Map<String, String> properties = Map.of(SandboxChannel.API_KEY, merchant.path("api_key").asString(),
                SandboxChannel.PROVIDER_PUBLIC_KEY, merchant.path("provider_public_key").asString());
        JsonNode account = call(HttpRequest.newBuilder(uri("/v1/payments/merchant/channels/sandbox"))
                .PUT(json(Map.of("merchant_id", merchant.path("merchant_id").asString(), "properties", properties))),
                agencyToken, 200);
        return new ChannelAccount(account.path("id").asString(), ChannelKind.SANDBOX,
                merchant.path("merchant_id").asString(), properties);
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
