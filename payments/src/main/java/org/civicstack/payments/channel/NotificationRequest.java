package org.civicstack.payments.channel;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An incoming notification exactly as it arrived: headers (names lower-cased, first value), the raw body bytes
 * (signatures are over bytes, so nothing may re-encode them) and the content type.
 */
public record NotificationRequest(Map<String, String> headers, byte[] body, String contentType) {

    public NotificationRequest {
        headers = headers.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue,
                        (first, second) -> first));
        body = body.clone();
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
