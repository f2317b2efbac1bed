package org.civicstack.payments;

import java.time.Duration;

import org.civicstack.payments.channel.sandbox.provider.SandboxProvider;
import org.civicstack.payments.channel.sandbox.provider.SandboxProviderSettings;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The channels the payments integration tests pay through: one sandbox provider per test JVM (a real HTTP provider
 * on its own port, as in the all-in-one run), short notification back-off so retries show within a test.
 */
public final class PaymentsTestChannels {

    public static final SandboxProvider sandbox = SandboxProvider.start(SandboxProviderSettings.defaults().withPort(0)
            .withDelivery(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2), 8));

    private PaymentsTestChannels() {
    }

    static void register(DynamicPropertyRegistry registry) {
        registry.add("civicstack.payments.channels.sandbox-base-url", () -> sandbox.baseUri().toString());
        registry.add("civicstack.payments.channels.timeout", () -> "3s");
    }
}
