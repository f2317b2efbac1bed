package org.civicstack.payments.channel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.NotificationRequest;
import org.civicstack.payments.channel.PrepayRequest;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * A small smoke run of the load the benchmark puts on the provider — many orders created and paid concurrently,
 * three copies of each notification — checking that nothing is lost or mixed up. Speed is the benchmark's business:
 * there is no timing assertion here.
 */
class SandboxThroughputTest {

    private static final int ORDERS = 300;

    @Test
    void manyConcurrentOrdersEachNotifiedThreeTimesAllVerify() throws InterruptedException {
        try (SandboxHarness sandbox = SandboxHarness.start(
                settings -> settings.withDelivery(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(200),
                        5), Duration.ofSeconds(30))) {
            sandbox.behave("{\"duplicates\":3}");
            WebClient checkout = WebClient.create(sandbox.baseUri().toString());

            List<String> paymentIds = Flux.range(0, ORDERS)
                    .flatMap(i -> {
                        PrepayRequest order = sandbox.order(100 + i);
                        return sandbox.channel.prepay(sandbox.account, order)
                                .flatMap(prepay -> checkout.post()
                                        .uri("/v1/checkout/{id}/pay", prepay.channelReference())
                                        .bodyValue(Map.of("outcome", "succeed"))
                                        .retrieve()
                                        .toBodilessEntity())
                                .thenReturn(order.paymentId());
                    }, 64)
                    .collectList()
                    .block(Duration.ofMinutes(2));

            List<NotificationRequest> delivered = new java.util.ArrayList<>();
            for (int i = 0; i < ORDERS * 3; i++) {
                delivered.add(sandbox.receiver.next(Duration.ofSeconds(60)));
            }
            delivered.addAll(sandbox.receiver.drain(Duration.ofMillis(200)));
            List<ChannelNotification> verified = Flux.fromIterable(delivered)
                    .flatMap(note -> sandbox.channel.verifyNotification(sandbox.account, note))
                    .collectList()
                    .block();

            Map<String, Long> copies = verified.stream().collect(Collectors.groupingBy(
                    ChannelNotification::notificationId, Collectors.counting()));
            assertThat(copies).hasSize(ORDERS);
            // three copies each; a copy whose acknowledgement was slower than the delivery timeout on a loaded
            // machine is sent again, which is the at-least-once promise, so more is allowed, fewer never
            assertThat(copies.values()).allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(3L));
            Set<String> notifiedPayments = verified.stream()
                    .map(note -> ((ChannelNotification.PaymentNotification) note).payment())
                    .peek(payment -> assertThat(payment.state()).isEqualTo(ChannelPayment.State.SUCCEEDED))
                    .map(ChannelPayment::paymentId)
                    .collect(Collectors.toSet());
            assertThat(notifiedPayments).containsExactlyInAnyOrderElementsOf(paymentIds);
        }
    }
}
