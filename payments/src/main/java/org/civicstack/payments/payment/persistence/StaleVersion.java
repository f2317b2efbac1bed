package org.civicstack.payments.payment.persistence;

/** Another writer changed the record first; re-read it and decide again. */
public final class StaleVersion extends RuntimeException {

    public StaleVersion(String id) {
        super(id + " changed concurrently");
    }
}
