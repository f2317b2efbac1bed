package org.civicstack.identity.citizen;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A citizen's mobile number in E.164 ({@code +8613800138000}), the key of a citizen account. Mainland China numbers
 * ({@code +86}) must be an 11-digit mobile number {@code 1[3-9]xxxxxxxxx}; other country codes are checked only for
 * E.164 shape (a {@code +}, no leading zero, 8–15 digits). {@link #parse} accepts what people type: spaces, dashes
 * and dots between digits, a leading {@code 0086}, or an 11-digit mainland number without a country code.
 */
public record MobileNumber(String e164) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");
    private static final Pattern MAINLAND = Pattern.compile("\\+861[3-9][0-9]{9}");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s.\\-()]");

    public MobileNumber {
        Objects.requireNonNull(e164, "mobile number");
        if (!E164.matcher(e164).matches()) {
            throw new IllegalArgumentException("not an E.164 mobile number");
        }
        if (e164.startsWith("+86") && !MAINLAND.matcher(e164).matches()) {
            throw new IllegalArgumentException("not a mainland China mobile number");
        }
    }

    /** The number a person typed, normalised; empty when it is not a valid mobile number. Never throws. */
    public static Optional<MobileNumber> parse(String typed) {
        if (typed == null || typed.length() > 32) {
            return Optional.empty();
        }
        String digits = SEPARATORS.matcher(typed.strip()).replaceAll("");
        if (digits.startsWith("0086")) {
            digits = "+86" + digits.substring(4);
        } else if (digits.length() == 11 && digits.charAt(0) == '1' && digits.chars().allMatch(Character::isDigit)) {
            digits = "+86" + digits;
        }
        try {
            return Optional.of(new MobileNumber(digits));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** For logs and pages: {@code +86 138****8000}; never log the whole number. */
    public String masked() {
        int keep = 4;
        String head = e164.startsWith("+86") ? "+86 " + e164.substring(3, 6) : e164.substring(0, Math.min(4, e164.length()));
        return head + "****" + e164.substring(e164.length() - keep);
    }

    @Override
    public String toString() {
        return masked();
    }
}
