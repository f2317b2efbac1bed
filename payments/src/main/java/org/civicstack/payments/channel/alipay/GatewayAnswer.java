package org.civicstack.payments.channel.alipay;

import java.security.PublicKey;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One answer of the Alipay gateway, {@code {"<method>_response": {...}, "sign": "..."}}, with its signature checked.
 * Alipay signs the exact characters of the response node as it sent them, so the node is cut out of the raw body by
 * the parser's character offsets — never re-serialised, which would change spacing, escapes or number forms and
 * break (or worse, fake) the check. The fields are then read from that same verified text.
 *
 * <p>Alipay signs every business answer, success or not; only gateway-level refusals (an unknown app, a bad
 * request signature) may come unsigned. So an unsigned answer is accepted only when its code is not
 * {@code 10000}, and is marked {@link #signed() unsigned} so callers never draw a conclusion about an order from it.
 *
 * @param node the response node
 * @param signed whether a signature was present and verified
 */
record GatewayAnswer(JsonNode node, boolean signed) {

    static final String SUCCESS = "10000";

    /** Bare JSON decimals are read as BigDecimal, so no amount ever passes through a double. */
    static JsonMapper jsonMapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    String code() {
        return text("code");
    }

    String subCode() {
        return text("sub_code");
    }

    String subMessage() {
        String message = text("sub_msg");
        return message != null ? message : text("msg");
    }

    boolean succeeded() {
        return SUCCESS.equals(code());
    }

    /** A field's text, or null when it is absent, null or empty. */
    String text(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        String text;
        if (value.isString()) {
            text = value.stringValue();
        } else if (value.isNumber()) {
            // Alipay quotes its amounts; should one come bare, it is read as a decimal, never through a double
            text = value.decimalValue().toPlainString();
        } else {
            text = value.toString();
        }
        return text.isEmpty() ? null : text;
    }

    /**
     * Reads and verifies {@code body}.
     *
     * @param rootName {@code alipay_trade_query_response} for {@code alipay.trade.query}
     * @throws IllegalArgumentException when the body does not parse, has no response node, or its signature fails
     */
    static GatewayAnswer read(String body, String rootName, PublicKey alipayKey, JsonMapper json) {
        Located located = locate(body, rootName);
        if (located.raw() == null) {
            located = locate(body, "error_response");
        }
        if (located.raw() == null) {
            throw new IllegalArgumentException("no " + rootName + " in the answer");
        }
        JsonNode node = json.readTree(located.raw());
        boolean signed = located.sign() != null;
        if (signed && !verifies(located.raw(), located.sign(), alipayKey)) {
            throw new IllegalArgumentException("the answer's signature does not verify");
        }
        GatewayAnswer answer = new GatewayAnswer(node, signed);
        if (!signed && answer.succeeded()) {
            throw new IllegalArgumentException("a successful answer without a signature");
        }
        return answer;
    }

    /**
     * Alipay's SDK retries the check with {@code \/} unescaped, because some answers were signed before the
     * escaping; it is the same JSON text, so accepting it grants nothing a forger could use.
     */
    private static boolean verifies(String raw, String sign, PublicKey alipayKey) {
        if (AlipaySignatures.verify(raw, sign, alipayKey)) {
            return true;
        }
        return raw.contains("\\/") && AlipaySignatures.verify(raw.replace("\\/", "/"), sign, alipayKey);
    }

    private record Located(String raw, String sign) {
    }

    /** The raw text of the top-level member {@code name} (an object) and the top-level {@code sign}. */
    private static Located locate(String body, String name) {
        String raw = null;
        String sign = null;
        try (JsonParser parser = JsonMapper.shared().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the answer is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String member = parser.currentName();
                JsonToken value = parser.nextToken();
                if (member.equals(name) && value == JsonToken.START_OBJECT) {
                    if (raw != null) {
                        throw new IllegalArgumentException("two " + name + " members");
                    }
                    int start = Math.toIntExact(parser.currentTokenLocation().getCharOffset());
                    parser.skipChildren();
                    int end = Math.toIntExact(parser.currentTokenLocation().getCharOffset()) + 1;
                    raw = body.substring(start, end);
                } else if (member.equals("sign") && value == JsonToken.VALUE_STRING) {
                    sign = parser.getString();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the answer is not JSON: " + e.getOriginalMessage(), e);
        }
        return new Located(raw, sign);
    }
}
