package org.civicstack.payments.channel;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import org.civicstack.platform.error.FieldViolation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One payment channel's protocol, behind the one interface the payment module calls. Implementations are real
 * clients of the channel's published API (WeChat Pay API v3, Alipay open platform, our sandbox provider); they
 * hold no state of their own beyond caches of public keys, and fail only with {@link ChannelException} subtypes.
 * Every call has a timeout. The payment module claims the record before calling (claim, then call), so an adapter
 * never needs to guard against being called twice for one state change — but must be safe if it is, because the
 * channel's merchant order and refund numbers are our ids.
 */
public interface PaymentChannel {

    ChannelKind kind();

    /**
     * Where an agency opens its merchant account at this channel and gets the merchant id and keys it then enters
     * with {@code PUT /v1/payments/merchant/channels/{channel}}.
     */
    java.net.URI merchantPortal();

    /** Property names whose values are secrets (private keys, API keys); stored encrypted, never shown again. */
    Set<String> secretProperties();

    /** Problems with an account's properties when an agency enables this channel (missing, malformed keys…). */
    List<FieldViolation> validate(String merchantId, java.util.Map<String, String> properties);

    /** Prepare the payment at the channel and return what the app needs to open it. */
    Mono<Prepay> prepay(ChannelAccount account, PrepayRequest request);

    /** The channel's current view of a payment, by our payment id. */
    Mono<ChannelPayment> query(ChannelAccount account, String paymentId);

    /** Close an unpaid payment at the channel so it can no longer be paid; closing an already closed one succeeds. */
    Mono<Void> close(ChannelAccount account, String paymentId);

    /** Start a refund; the answer may already be final or still pending (a notification or query follows). */
    Mono<ChannelRefund> refund(ChannelAccount account, RefundRequest request);

    /** The channel's current view of a refund, by our refund id. */
    Mono<ChannelRefund> queryRefund(ChannelAccount account, String paymentId, String refundId);

    /**
     * Verify and decode a notification sent to this account's notification URL. Fails with
     * {@link ChannelException.NotificationRejected} when anything does not verify.
     */
    Mono<ChannelNotification> verifyNotification(ChannelAccount account, NotificationRequest request);

    /** The exact reply the channel expects: {@code accepted} false asks it to send the notification again. */
    NotificationReply reply(boolean accepted);

    /** The account's statement for one day (the channel's time zone, Asia/Shanghai), payments and refunds. */
    Flux<StatementLine> statement(ChannelAccount account, LocalDate day);
}
