package org.civicstack.payments.channel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.PrepayRequest;
import org.civicstack.payments.channel.sandbox.provider.SandboxProvider;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The provider as a process of its own ({@link SandboxProvider#main}), as the all-in-one run and the kill-the-payments
 * -process test start it: it announces itself on stdout, and the adapter in this JVM works against it.
 */
class SandboxProviderProcessTest {

    @Test
    void mainRunsTheProviderInItsOwnJvm() throws Exception {
        Path javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(javaBinary.toString(), "-cp", System.getProperty("java.class.path"),
                SandboxProvider.class.getName(), "--port=0", "--fee-rate=0.01"))
                .redirectErrorStream(true)
                .start();
        try {
            String[] ready = readyLine(process);
            URI baseUri = URI.create(ready[1]);
            String publicKey = ready[2];

            HttpClient http = HttpClient.newHttpClient();
            JsonNode merchant = SandboxHarness.JSON.readTree(http.send(HttpRequest.newBuilder(
                            baseUri.resolve("/v1/merchants")).timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(merchant.get("provider_public_key").stringValue()).isEqualTo(publicKey);
            ChannelAccount account = new ChannelAccount("mca_process", ChannelKind.SANDBOX,
                    merchant.get("merchant_id").stringValue(), Map.of(SandboxChannel.API_KEY,
                    merchant.get("api_key").stringValue(), SandboxChannel.PROVIDER_PUBLIC_KEY, publicKey));
            SandboxChannel channel = new SandboxChannel(baseUri, Clock.systemUTC(), Duration.ofSeconds(5));

            PrepayRequest order = new PrepayRequest("pay_process", 1000, "CNY", "process test",
                    Instant.now().plusSeconds(600), "http://127.0.0.1:9/nowhere", "app", Map.of());
            String orderId = channel.prepay(account, order).block().channelReference();
            http.send(HttpRequest.newBuilder(baseUri.resolve("/v1/checkout/" + orderId + "/pay"))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\":\"succeed\"}"))
                            .build(), HttpResponse.BodyHandlers.ofString());

            ChannelPayment paid = channel.query(account, "pay_process").block();
            assertThat(paid.state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
            assertThat(paid.fee()).isEqualTo(10L); // the --fee-rate argument took effect
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String[] readyLine(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String[]> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("SANDBOX_PROVIDER_READY ")) {
                        return line.split(" ");
                    }
                }
                throw new AssertionError("the provider exited before it was ready");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String[] line = ready.get(60, TimeUnit.SECONDS);
        // keep draining its output so the child never blocks on a full pipe
        CompletableFuture.runAsync(() -> out.lines().forEach(ignored -> { }));
        return line;
    }
}
