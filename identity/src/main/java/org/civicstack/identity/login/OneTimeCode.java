package org.civicstack.identity.login;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** A 6-digit one-time login code. Its text is revealed only to the SMS sender; {@link #toString} hides it. */
public final class OneTimeCode {

    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String digits;

    private OneTimeCode(String digits) {
        this.digits = digits;
    }

    /** A fresh code, uniformly random over 000000–999999. */
    public static OneTimeCode generate() {
        return new OneTimeCode(String.format("%06d", RANDOM.nextInt(1_000_000)));
    }

    /** What a person typed (surrounding and inner spaces allowed); empty unless it is exactly six digits. */
    public static Optional<OneTimeCode> parse(String typed) {
        if (typed == null || typed.length() > 20) {
            return Optional.empty();
        }
        String digits = typed.replace(" ", "").strip();
        return SIX_DIGITS.matcher(digits).matches() ? Optional.of(new OneTimeCode(digits)) : Optional.empty();
    }

    /** The digits, for the SMS text and the keyed hash only. */
    public String reveal() {
        return digits;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OneTimeCode code && Objects.equals(digits, code.digits);
    }

    @Override
    public int hashCode() {
        return digits.hashCode();
    }

    @Override
    public String toString() {
        return "******";
    }
}
