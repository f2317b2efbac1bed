package org.civicstack.payments.channel.alipay;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Alipay's amounts are yuan as decimal strings ({@code "12.50"}); ours are fen. The conversion is exact both ways
 * and refuses anything that is not a whole number of fen, so no rounding ever hides a disagreement with the channel.
 */
final class Yuan {

    /** Plain decimal notation only: no exponent, no sign other than an optional minus, no grouping. */
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");

    private Yuan() {
    }

    /** {@code 1250} → {@code "12.50"}, always two decimals, as Alipay's {@code total_amount} expects. */
    static String format(long fen) {
        return BigDecimal.valueOf(fen, 2).toPlainString();
    }

    /**
     * {@code "12.50"} → {@code 1250}; {@code "12.5"} and {@code "12.500"} are the same amount and accepted,
     * {@code "12.345"} (a fraction of a fen), exponents and non-numbers are refused.
     *
     * @throws IllegalArgumentException when the text is not an exact number of fen
     */
    static long parse(String yuan) {
        if (yuan == null || !DECIMAL.matcher(yuan).matches()) {
            throw new IllegalArgumentException("not a yuan amount: " + yuan);
        }
        BigDecimal fen = new BigDecimal(yuan).movePointRight(2);
        if (fen.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("yuan amount has a fraction of a fen: " + yuan);
        }
        try {
            return fen.longValueExact();
        } catch (ArithmeticException tooLarge) {
            throw new IllegalArgumentException("yuan amount out of range: " + yuan, tooLarge);
        }
    }
}
