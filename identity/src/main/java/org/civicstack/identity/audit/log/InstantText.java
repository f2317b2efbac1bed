package org.civicstack.identity.audit.log;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@link Instant#toString()}'s text (ISO-8601 in UTC: seconds always, the fraction in groups of three digits as
 * needed), made faster for the audit log, whose entries arrive in bursts from the same second: the date and time up
 * to the second are kept for the last second seen, the fraction is written digit by digit. Instants outside the years
 * 1970–9999 are left to {@link Instant#toString()}. AuditEntryTest holds it to {@code Instant#toString()}.
 */
final class InstantText {

    /** 9999-12-31T23:59:59Z. */
    private static final long MAX_FAST_SECOND = 253_402_300_799L;

    /** The last second formatted and its text up to the seconds (immutable, replaced whole). */
    private record Second(long epochSecond, String text) {
    }

    private static volatile Second last = new Second(-1, "");

    private InstantText() {
    }

    static String of(Instant instant) {
        long second = instant.getEpochSecond();
        if (second < 0 || second > MAX_FAST_SECOND) {
            return instant.toString();
        }
        Second cached = last;
        if (cached.epochSecond() != second) {
            cached = new Second(second, dateTime(second));
            last = cached;
        }
        int nanos = instant.getNano();
        if (nanos == 0) {
            return cached.text() + 'Z';
        }
        int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        int fraction = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
        char[] text = new char[cached.text().length() + 2 + digits];
        cached.text().getChars(0, cached.text().length(), text, 0);
        int at = cached.text().length();
        text[at] = '.';
        for (int i = at + digits; i > at; i--) {
            text[i] = (char) ('0' + fraction % 10);
            fraction /= 10;
        }
        text[text.length - 1] = 'Z';
        return new String(text);
    }

    private static String dateTime(long epochSecond) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        StringBuilder text = new StringBuilder(19);
        pad(text, time.getYear(), 4).append('-');
        pad(text, time.getMonthValue(), 2).append('-');
        pad(text, time.getDayOfMonth(), 2).append('T');
        pad(text, time.getHour(), 2).append(':');
        pad(text, time.getMinute(), 2).append(':');
        pad(text, time.getSecond(), 2);
        return text.toString();
    }

    private static StringBuilder pad(StringBuilder text, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            text.append('0');
        }
        return text.append(digits);
    }
}
