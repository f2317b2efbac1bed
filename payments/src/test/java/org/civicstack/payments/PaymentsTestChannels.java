package org.civicstack.payments;

import org.springframework.test.context.DynamicPropertyRegistry;

/** The channels the payments integration tests run against (none until an adapter is configured). */
final class PaymentsTestChannels {

    private PaymentsTestChannels() {
    }

    static void register(DynamicPropertyRegistry registry) {
    }
}
