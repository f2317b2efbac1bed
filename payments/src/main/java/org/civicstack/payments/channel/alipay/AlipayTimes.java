package org.civicstack.payments.channel.alipay;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Alipay writes local Beijing time without a zone ({@code yyyy-MM-dd HH:mm:ss}, refund times sometimes with
 * milliseconds); we keep instants. Both directions live here so the zone is stated once.
 */
final class AlipayTimes {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Seconds, optionally {@code .SSS} ({@code gmt_refund} carries milliseconds). */
    private static final DateTimeFormatter LENIENT_FRACTION = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .toFormatter();

    private AlipayTimes() {
    }

    static String format(Instant instant) {
        return SECONDS.format(instant.atZone(SHANGHAI));
    }

    /** Null or blank text is "not given" and gives null. */
    static Instant parseOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return parse(text);
    }

    /** @throws IllegalArgumentException when the text is not an Alipay time */
    static Instant parse(String text) {
        try {
            return LocalDateTime.parse(text.strip(), LENIENT_FRACTION).atZone(SHANGHAI).toInstant();
        } catch (DateTimeParseException | NullPointerException malformed) {
            throw new IllegalArgumentException("not an Alipay time: " + text, malformed);
        }
    }
}
