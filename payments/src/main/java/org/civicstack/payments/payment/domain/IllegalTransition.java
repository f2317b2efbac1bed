package org.civicstack.payments.payment.domain;

/** A status change the transition table does not allow. */
public final class IllegalTransition extends RuntimeException {

    private final PaymentStatus from;
    private final PaymentEvent event;

    public IllegalTransition(PaymentStatus from, PaymentEvent event) {
        super("no transition from " + from.wire() + " on " + event.wire());
        this.from = from;
        this.event = event;
    }

    public PaymentStatus from() {
        return from;
    }

    public PaymentEvent event() {
        return event;
    }
}
