package org.civicstack.payments.common;

import java.math.BigDecimal;

/** Minor units as the API carries them, and the one text form a receipt shows ({@code 12.50}). */
public final class Money {

    public static final String CNY = "CNY";
    /** The largest single order: 1,000,000.00 CNY; a city's fines and fees stay far below. */
    public static final long MAX_AMOUNT = 100_000_000L;

    private Money() {
    }

    public static String display(long minor) {
        return BigDecimal.valueOf(minor, 2).toPlainString();
    }
}
