package org.civicstack.payments.channel.sandbox.provider;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request body read strictly, as a real provider's API does: one JSON object, no unknown members, each member of
 * the type it must have (an amount is a JSON integer, never {@code 12.5} or {@code "1250"}). Every problem is a
 * 400 {@code malformed_request} naming the member.
 */
final class RequestJson {

    /** Merchant order and refund numbers: what the channel echoes back and prints in the statement (no commas). */
    private static final Pattern MERCHANT_NUMBER = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");

    private final JsonNode node;

    private RequestJson(JsonNode node) {
        this.node = node;
    }

    static RequestJson parse(JsonMapper json, byte[] body, Set<String> allowed) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException e) {
            throw ProviderError.malformed("the body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw ProviderError.malformed("the body must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            if (!allowed.contains(member.getKey())) {
                throw ProviderError.malformed("unknown member " + member.getKey());
            }
        }
        return new RequestJson(node);
    }

    /** An empty body is an empty object (admin calls whose members are all optional). */
    static RequestJson parseOptional(JsonMapper json, byte[] body, Set<String> allowed) {
        if (body.length == 0) {
            return parse(json, "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII), allowed);
        }
        return parse(json, body, allowed);
    }

    Optional<JsonNode> member(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    String text(String name, int maxLength) {
        return optionalText(name, maxLength)
                .orElseThrow(() -> ProviderError.malformed(name + " is required"));
    }

    Optional<String> optionalText(String name, int maxLength) {
        return member(name).map(value -> {
            if (!value.isString()) {
                throw ProviderError.malformed(name + " must be a string");
            }
            String text = value.stringValue();
            if (text.isEmpty() || text.length() > maxLength) {
                throw ProviderError.malformed(name + " must be 1.." + maxLength + " characters");
            }
            return text;
        });
    }

    String merchantNumber(String name) {
        String text = text(name, 64);
        if (!MERCHANT_NUMBER.matcher(text).matches()) {
            throw ProviderError.malformed(name + " must be 1..64 of A-Z a-z 0-9 _ -");
        }
        return text;
    }

    long positiveAmount(String name) {
        JsonNode value = member(name).orElseThrow(() -> ProviderError.malformed(name + " is required"));
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
            throw ProviderError.malformed(name + " must be a positive integer of minor units");
        }
        return value.longValue();
    }

    Optional<Long> optionalNonNegative(String name) {
        return member(name).map(value -> {
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                throw ProviderError.malformed(name + " must be a non-negative integer");
            }
            return value.longValue();
        });
    }

    Optional<Boolean> optionalBoolean(String name) {
        return member(name).map(value -> {
            if (!value.isBoolean()) {
                throw ProviderError.malformed(name + " must be true or false");
            }
            return value.booleanValue();
        });
    }

    String currency(String name) {
        String text = text(name, 3);
        if (!text.matches("[A-Z]{3}")) {
            throw ProviderError.malformed(name + " must be an ISO 4217 code");
        }
        return text;
    }

    Instant instant(String name) {
        String text = text(name, 40);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ProviderError.malformed(name + " must be an RFC 3339 time in UTC");
        }
    }

    URI httpUri(String name) {
        String text = text(name, 2048);
        try {
            URI uri = URI.create(text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw ProviderError.malformed(name + " must be an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw ProviderError.malformed(name + " must be an http(s) URL");
        }
    }
}
