package org.civicstack.payments.channel.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.PrepayRequest;
import org.civicstack.payments.channel.sandbox.provider.SandboxProvider;
import org.civicstack.payments.channel.sandbox.provider.SandboxProviderSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running sandbox provider on a random port, a merchant onboarded at it, the merchant's notification endpoint and
 * the adapter pointed at the provider: the whole protocol, over real HTTP, in one object.
 */
final class SandboxHarness implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    final MutableClock clock;
    final SandboxProvider provider;
    final NotificationReceiver receiver;
    final SandboxChannel channel;
    final ChannelAccount account;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SandboxHarness(UnaryOperator<SandboxProviderSettings> settings, Duration adapterTimeout) {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        provider = SandboxProvider.start(settings.apply(SandboxProviderSettings.defaults()
                .withClock(clock)
                .withDelivery(Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(200), 5)
                .withReorderWindow(Duration.ofSeconds(2))
                .withFaultHold(Duration.ofSeconds(3))));
        receiver = new NotificationReceiver();
        channel = new SandboxChannel(provider.baseUri(), clock, adapterTimeout);
        account = onboard("mca_test");
    }

    static SandboxHarness start() {
        return new SandboxHarness(UnaryOperator.identity(), Duration.ofSeconds(10));
    }

    static SandboxHarness start(UnaryOperator<SandboxProviderSettings> settings, Duration adapterTimeout) {
        return new SandboxHarness(settings, adapterTimeout);
    }

    /** A merchant onboarded through {@code POST /v1/merchants}, as an agency's account with the adapter's names. */
    ChannelAccount onboard(String accountId) {
        JsonNode merchant = JSON.readTree(post("/v1/merchants", "{}").body());
        return new ChannelAccount(accountId, ChannelKind.SANDBOX, merchant.get("merchant_id").stringValue(),
                Map.of(SandboxChannel.API_KEY, merchant.get("api_key").stringValue(),
                        SandboxChannel.PROVIDER_PUBLIC_KEY, merchant.get("provider_public_key").stringValue()));
    }

    static String newId(String prefix) {
        byte[] raw = new byte[8];
        RANDOM.nextBytes(raw);
        return prefix + HexFormat.of().formatHex(raw);
    }

    PrepayRequest order(long amount) {
        return order(newId("pay_"), amount);
    }

    PrepayRequest order(String paymentId, long amount) {
        return new PrepayRequest(paymentId, amount, "CNY", "Parking permit renewal", clock.instant().plus(
                Duration.ofMinutes(30)), receiver.url(account.accountId()).toString(), "app", Map.of());
    }

    /** The citizen's pay button at the checkout. */
    HttpResponse<String> pay(String orderId, String outcome) {
        return post("/v1/checkout/" + orderId + "/pay", "{\"outcome\":\"" + outcome + "\"}");
    }

    /** {@code POST /v1/behaviour}; fails the test unless accepted. */
    JsonNode behave(String json) {
        HttpResponse<String> response = post("/v1/behaviour", json);
        if (response.statusCode() != 200) {
            throw new AssertionError("behaviour refused: " + response.body());
        }
        return JSON.readTree(response.body());
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(provider.baseUri().resolve(path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI baseUri() {
        return provider.baseUri();
    }

    @Override
    public void close() {
        receiver.close();
        provider.close();
    }
}
