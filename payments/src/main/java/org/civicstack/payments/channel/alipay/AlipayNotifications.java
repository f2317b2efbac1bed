package org.civicstack.payments.channel.alipay;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.civicstack.payments.channel.ChannelException.NotificationRejected;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.ChannelNotification.PaymentNotification;
import org.civicstack.payments.channel.ChannelNotification.RefundNotification;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.ChannelRefund;
import org.civicstack.payments.channel.NotificationRequest;

/**
 * Alipay's asynchronous notification ({@code trade_status_sync}): a UTF-8 form POST signed over its parameters in
 * canonical form without {@code sign} and {@code sign_type} (the SDK's {@code rsaCheckV1}). Besides the signature it
 * must name this account's app and seller — a notification signed by Alipay for another merchant is still not
 * ours — and carry a fresh {@code notify_time}: Alipay stamps every retry anew, so an old one is a replay.
 *
 * <p>A refund is notified on the same message type with the refund fields added ({@code out_biz_no} = our refund id,
 * {@code refund_fee}, {@code gmt_refund}); its {@code refund_fee} is the trade's cumulative refunded total, not this
 * refund's amount, so the refund's amount is left null here (the refund record, or {@code queryRefund}, has it).
 */
final class AlipayNotifications {

    /** How far {@code notify_time} may be from our clock; covers clock skew and delivery, not Alipay's retry span. */
    static final Duration WINDOW = Duration.ofMinutes(10);

    private static final Set<String> UNSIGNED = Set.of("sign", "sign_type");
    private static final Set<String> REFUND_FIELDS = Set.of("out_biz_no", "refund_fee", "gmt_refund");

    private final Clock clock;

    AlipayNotifications(Clock clock) {
        this.clock = clock;
    }

    ChannelNotification verify(AlipayAccount account, NotificationRequest request) {
        Map<String, String> params = form(request);
        if (!AlipaySignatures.RSA2.equals(params.get("sign_type"))) {
            throw rejected("sign_type is " + params.get("sign_type") + ", only RSA2 is accepted");
        }
        String content = AlipaySignatures.content(params, UNSIGNED);
        if (!AlipaySignatures.verify(content, params.get("sign"), account.alipayPublicKey())) {
            throw rejected("the signature does not verify with the account's Alipay public key");
        }
        if (!account.appId().equals(params.get("app_id"))) {
            throw rejected("app_id " + params.get("app_id") + " is not this account's app");
        }
        if (!account.sellerId().equals(params.get("seller_id"))) {
            throw rejected("seller_id " + params.get("seller_id") + " is not this account's merchant");
        }
        Instant notifiedAt = time(params, "notify_time", true);
        Instant now = clock.instant();
        if (notifiedAt.isBefore(now.minus(WINDOW)) || notifiedAt.isAfter(now.plus(WINDOW))) {
            throw rejected("notify_time " + params.get("notify_time") + " is outside the " + WINDOW.toMinutes()
                    + "-minute window");
        }
        String notificationId = required(params, "notify_id");
        String paymentId = required(params, "out_trade_no");
        if (REFUND_FIELDS.stream().anyMatch(field -> present(params, field))) {
            amount(params, "refund_fee"); // not this refund's amount (see above), but it must still be exact
            ChannelRefund refund = new ChannelRefund(required(params, "out_biz_no"), paymentId,
                    ChannelRefund.State.SUCCEEDED, null, null, AlipayChannel.CURRENCY, time(params, "gmt_refund", true));
            return new RefundNotification(notificationId, refund);
        }
        ChannelPayment payment = new ChannelPayment(paymentId, state(required(params, "trade_status")),
                params.get("seller_id"), amount(params, "total_amount"), AlipayChannel.CURRENCY,
                params.get("trade_no"), time(params, "gmt_payment", false), null);
        return new PaymentNotification(notificationId, payment);
    }

    private static ChannelPayment.State state(String tradeStatus) {
        return switch (tradeStatus) {
            case "WAIT_BUYER_PAY" -> ChannelPayment.State.PENDING;
            case "TRADE_SUCCESS", "TRADE_FINISHED" -> ChannelPayment.State.SUCCEEDED;
            case "TRADE_CLOSED" -> ChannelPayment.State.CLOSED;
            default -> throw rejected("unknown trade_status " + tradeStatus);
        };
    }

    /** The form as Alipay sent it; a repeated key would make the signed content ambiguous, so it is refused. */
    private static Map<String, String> form(NotificationRequest request) {
        String contentType = request.contentType() == null ? "" : request.contentType().toLowerCase(Locale.ROOT);
        if (!contentType.startsWith("application/x-www-form-urlencoded")) {
            throw rejected("content type " + request.contentType() + " is not a form");
        }
        if (contentType.contains("charset=") && !contentType.replace(" ", "").contains("charset=utf-8")) {
            throw rejected("only UTF-8 notifications are accepted, got " + request.contentType());
        }
        String body = new String(request.body(), StandardCharsets.UTF_8);
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key;
            String value;
            try {
                key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw rejected("the form is not URL-encoded");
            }
            if (params.putIfAbsent(key, value) != null) {
                throw rejected("parameter " + key + " appears twice");
            }
        }
        String charset = params.get("charset");
        if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
            throw rejected("only UTF-8 notifications are accepted, got charset " + charset);
        }
        return params;
    }

    private static boolean present(Map<String, String> params, String field) {
        String value = params.get(field);
        return value != null && !value.isEmpty();
    }

    private static String required(Map<String, String> params, String field) {
        if (!present(params, field)) {
            throw rejected("no " + field);
        }
        return params.get(field);
    }

    private static Instant time(Map<String, String> params, String field, boolean required) {
        if (!required && !present(params, field)) {
            return null;
        }
        try {
            return AlipayTimes.parse(required(params, field));
        } catch (IllegalArgumentException e) {
            throw rejected(field + " is not a time: " + params.get(field));
        }
    }

    private static Long amount(Map<String, String> params, String field) {
        try {
            return Yuan.parse(required(params, field));
        } catch (IllegalArgumentException e) {
            throw rejected(field + " is not an exact yuan amount: " + params.get(field));
        }
    }

    private static NotificationRejected rejected(String why) {
        return new NotificationRejected(ChannelKind.ALIPAY, why);
    }
}
