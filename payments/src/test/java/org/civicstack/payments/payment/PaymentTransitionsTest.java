package org.civicstack.payments.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.payments.payment.domain.PaymentEvent.*;
import static org.civicstack.payments.payment.domain.PaymentStatus.*;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import org.civicstack.payments.payment.domain.PaymentEvent;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.domain.PaymentTransitions;
import org.civicstack.payments.refund.domain.RefundEvent;
import org.civicstack.payments.refund.domain.RefundStatus;
import org.civicstack.payments.refund.domain.RefundTransitions;
import org.junit.jupiter.api.Test;

/** Every (status, event) pair of both machines: the listed ones go where listed, every other one is refused. */
class PaymentTransitionsTest {

    private static final Map<PaymentStatus, Map<PaymentEvent, PaymentStatus>> EXPECTED = new EnumMap<>(PaymentStatus.class);

    static {
        expect(CREATED, START, STARTING);
        expect(CREATED, EXPIRE, EXPIRED);
        expect(CREATED, CANCEL, CLOSED);
        expect(STARTING, PREPARED, PENDING);
        expect(STARTING, PREPARE_REFUSED, CREATED);
        expect(STARTING, PREPARE_UNKNOWN, PENDING);
        expect(STARTING, CHANNEL_SUCCEEDED, SUCCEEDED);
        expect(STARTING, CHANNEL_FAILED, FAILED);
        expect(PENDING, START, STARTING);
        expect(PENDING, CHANNEL_SUCCEEDED, SUCCEEDED);
        expect(PENDING, CHANNEL_FAILED, FAILED);
        expect(PENDING, CHANNEL_CLOSED, CLOSED);
        expect(PENDING, CLAIM_CLOSE, CLOSING);
        expect(CLOSING, CLOSED_FOR_EXPIRY, EXPIRED);
        expect(CLOSING, CLOSED_FOR_CANCEL, CLOSED);
        expect(CLOSING, CLOSE_FAILED, PENDING);
        expect(CLOSING, CHANNEL_SUCCEEDED, SUCCEEDED);
        expect(CLOSING, CHANNEL_FAILED, FAILED);
    }

    private static void expect(PaymentStatus from, PaymentEvent event, PaymentStatus to) {
        EXPECTED.computeIfAbsent(from, f -> new EnumMap<>(PaymentEvent.class)).put(event, to);
    }

    @Test
    void everyPaymentPairIsEitherTheListedTransitionOrRefused() {
        int legal = 0;
        for (PaymentStatus from : PaymentStatus.values()) {
            for (PaymentEvent event : PaymentEvent.values()) {
                Optional<PaymentStatus> expected = Optional.ofNullable(EXPECTED.getOrDefault(from, Map.of()).get(event));
                assertThat(PaymentTransitions.next(from, event)).as("%s --%s-->", from, event).isEqualTo(expected);
                legal += expected.isPresent() ? 1 : 0;
            }
        }
        assertThat(legal).isEqualTo(18);
    }

    @Test
    void finalStatusesHaveNoWayOut() {
        for (PaymentStatus from : PaymentStatus.values()) {
            if (from.isFinal()) {
                for (PaymentEvent event : PaymentEvent.values()) {
                    assertThat(PaymentTransitions.next(from, event)).as("%s --%s-->", from, event).isEmpty();
                }
            }
        }
    }

    @Test
    void onlyAChannelCanMakeAPaymentSucceed() {
        for (PaymentStatus from : PaymentStatus.values()) {
            for (PaymentEvent event : PaymentEvent.values()) {
                if (PaymentTransitions.next(from, event).orElse(null) == SUCCEEDED) {
                    assertThat(event).isEqualTo(CHANNEL_SUCCEEDED);
                }
            }
        }
    }

    @Test
    void everyRefundPairIsEitherTheListedTransitionOrRefused() {
        Map<RefundStatus, Map<RefundEvent, RefundStatus>> expected = Map.of(
                RefundStatus.REQUESTED, Map.of(RefundEvent.ACCEPTED, RefundStatus.PENDING,
                        RefundEvent.OUTCOME_UNKNOWN, RefundStatus.PENDING,
                        RefundEvent.CHANNEL_SUCCEEDED, RefundStatus.SUCCEEDED,
                        RefundEvent.CHANNEL_FAILED, RefundStatus.FAILED),
                RefundStatus.PENDING, Map.of(RefundEvent.CHANNEL_SUCCEEDED, RefundStatus.SUCCEEDED,
                        RefundEvent.CHANNEL_FAILED, RefundStatus.FAILED));
        for (RefundStatus from : RefundStatus.values()) {
            for (RefundEvent event : RefundEvent.values()) {
                assertThat(RefundTransitions.next(from, event)).as("%s --%s-->", from, event)
                        .isEqualTo(Optional.ofNullable(expected.getOrDefault(from, Map.of()).get(event)));
            }
        }
    }
}
