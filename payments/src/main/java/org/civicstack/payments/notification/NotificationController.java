package org.civicstack.payments.notification;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.NotificationReply;
import org.civicstack.payments.channel.NotificationRequest;
import org.civicstack.payments.channel.PaymentChannel;
import org.civicstack.payments.channel.PaymentChannels;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.payment.app.PaymentOutcomes;
import org.civicstack.payments.refund.app.RefundOutcomes;
import org.civicstack.platform.api.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Where channels send their asynchronous results: {@code POST /v1/payments/notifications/{channel}/{account}}, no
 * platform token (the path is public), every notification verified by the channel's adapter with that account's
 * keys before anything of it is used. The reply is exactly what the channel expects; "not accepted" makes the
 * channel send it again, which is what we want whenever we could not record it (so nothing is lost).
 * Every notification, applied, duplicate or refused, is recorded in {@code channel_notification}.
 */
@RestController
@Tag(name = "notifications", description = "Channel notifications (WeChat Pay, Alipay, sandbox); verified, never trusted")
public class NotificationController {

    private static final Logger log = LoggerFactory.getLogger(NotificationController.class);
    /** A notification larger than this is not one any channel sends. */
    static final int MAX_BODY = 64 * 1024;

    private final PaymentChannels channels;
    private final MerchantStore merchants;
    private final PaymentOutcomes payments;
    private final RefundOutcomes refunds;
    private final DatabaseClient db;
    private final Clock clock;

    public NotificationController(PaymentChannels channels, MerchantStore merchants, PaymentOutcomes payments,
            RefundOutcomes refunds, DatabaseClient db, Clock clock) {
        this.channels = channels;
        this.merchants = merchants;
        this.payments = payments;
        this.refunds = refunds;
        this.db = db;
        this.clock = clock;
    }

    @PostMapping("/v1/payments/notifications/{channel}/{account}")
    @Operation(operationId = "receiveChannelNotification", summary = "A channel's asynchronous payment or refund result")
    public Mono<ResponseEntity<String>> receive(@PathVariable String channel, @PathVariable String account,
            @RequestHeader HttpHeaders headers, @RequestBody(required = false) byte[] body) {
        ChannelKind kind = ChannelKind.fromWire(channel).orElse(null);
        PaymentChannel adapter = kind == null ? null : channels.find(kind).orElse(null);
        if (adapter == null) {
            return Mono.just(ResponseEntity.notFound().build());
        }
        byte[] bytes = body == null ? new byte[0] : body;
        if (bytes.length > MAX_BODY) {
            return Mono.just(reply(adapter.reply(false)));
        }
        Map<String, String> first = new LinkedHashMap<>();
        headers.forEach((name, values) -> first.put(name, values.isEmpty() ? "" : values.get(0)));
        NotificationRequest request = new NotificationRequest(first, bytes,
                headers.getContentType() == null ? null : headers.getContentType().toString());
        return merchants.account(account)
                .filter(a -> a.kind() == kind)
                .flatMap(a -> adapter.verifyNotification(a, request)
                        .flatMap(notification -> apply(a, notification))
                        .map(accepted -> reply(adapter.reply(accepted)))
                        .onErrorResume(ChannelException.NotificationRejected.class, e -> log(kind, account, null, null,
                                        null, "refused", e.getMessage())
                                .thenReturn(reply(adapter.reply(false)))))
                .switchIfEmpty(Mono.defer(() -> log(kind, account, null, null, null, "unknown_account", null)
                        .thenReturn(reply(adapter.reply(false)))));
    }

    /** Emits whether the channel may stop sending it: true once recorded (applied, duplicate or refused as a mismatch). */
    private Mono<Boolean> apply(ChannelAccount account, ChannelNotification notification) {
        if (notification instanceof ChannelNotification.PaymentNotification pn) {
            return payments.apply(account, pn.payment(), "notification")
                    .flatMap(outcome -> log(account.kind(), account.accountId(), pn.notificationId(),
                            pn.payment().paymentId(), null, outcome.name().toLowerCase(java.util.Locale.ROOT), null)
                            .thenReturn(true));
        }
        ChannelNotification.RefundNotification rn = (ChannelNotification.RefundNotification) notification;
        return refunds.apply(account, rn.refund(), "notification")
                .flatMap(outcome -> log(account.kind(), account.accountId(), rn.notificationId(), rn.refund().paymentId(),
                        rn.refund().refundId(), outcome.name().toLowerCase(java.util.Locale.ROOT), null)
                        .thenReturn(true));
    }

    private Mono<Void> log(ChannelKind channel, String account, String notificationId, String paymentId, String refundId,
            String outcome, String detail) {
        if ("refused".equals(outcome) || "unknown_account".equals(outcome)) {
            log.warn("Refused a {} notification for account {}: {}", channel.wire(), account, detail);
        }
        var spec = db.sql("insert into channel_notification (channel, channel_account_id, notification_id, payment_id,"
                        + " refund_id, outcome, detail, received_at) values (:channel, :account, :nid, :payment, :refund,"
                        + " :outcome, :detail, :at)")
                .bind("channel", channel.wire()).bind("outcome", outcome)
                .bind("at", clock.instant().atOffset(ZoneOffset.UTC));
        spec = Sql.bind(spec, "account", account.length() > 64 ? account.substring(0, 64) : account, String.class);
        spec = Sql.bind(spec, "nid", notificationId, String.class);
        spec = Sql.bind(spec, "payment", paymentId, String.class);
        spec = Sql.bind(spec, "refund", refundId, String.class);
        spec = Sql.bind(spec, "detail", detail == null ? null : detail.length() > 500 ? detail.substring(0, 500) : detail,
                String.class);
        return spec.fetch().rowsUpdated().then();
    }

    static ResponseEntity<String> reply(NotificationReply reply) {
        var builder = ResponseEntity.status(reply.status());
        if (reply.contentType() != null) {
            builder.contentType(MediaType.parseMediaType(reply.contentType()));
        }
        return reply.body() == null ? builder.build() : builder.body(reply.body());
    }
}
