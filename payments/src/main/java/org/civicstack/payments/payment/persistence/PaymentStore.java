package org.civicstack.payments.payment.persistence;

import static org.civicstack.platform.api.Sql.instant;
import static org.civicstack.platform.api.Sql.utc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import io.r2dbc.spi.Readable;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.payment.domain.IllegalTransition;
import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.payment.domain.PaymentEvent;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.domain.PaymentTransitions;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payment orders in PostgreSQL. The status changes only in {@link #transition}, which asks
 * {@link PaymentTransitions} and writes under the optimistic lock: the update names the version and the status it
 * read, so of two concurrent writers exactly one wins and the other gets {@link StaleVersion}.
 */
@Component
public class PaymentStore {

    static final String COLUMNS = "id, agency_id, reference, citizen_ref, citizen_subject, amount, currency, description,"
            + " line_items, status, close_reason, channel, channel_account_id, channel_reference, app_parameters,"
            + " channel_transaction_id, refund_reserved, refunded, fee, expires_at, next_check_at, created_at,"
            + " updated_at, paid_at, version";
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final DatabaseClient db;
    private final JsonMapper json;

    public PaymentStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    public Mono<Payment> insert(Payment p) {
        var spec = db.sql("insert into payment (id, agency_id, reference, citizen_ref, citizen_subject, amount, currency,"
                        + " description, line_items, status, expires_at, next_check_at, created_at, updated_at, version)"
                        + " values (:id, :agency, :reference, :citizen, :subject, :amount, :currency, :description,"
                        + " :items, :status, :expires, :check, :now, :now, 0)")
                .bind("id", p.id()).bind("agency", p.agencyId()).bind("reference", p.reference())
                .bind("citizen", p.citizenRef()).bind("subject", p.citizenSubject()).bind("amount", p.amount())
                .bind("currency", p.currency()).bind("description", p.description())
                .bind("status", p.status().wire()).bind("expires", utc(p.expiresAt()))
                .bind("now", utc(p.createdAt()));
        spec = Sql.bindJson(spec, "items", p.lineItemsJson());
        spec = Sql.bind(spec, "check", p.nextCheckAt() == null ? null : utc(p.nextCheckAt()), OffsetDateTime.class);
        return spec.fetch().rowsUpdated()
                .then(record(p.id(), null, p.status(), PaymentStatus.CREATED, "created", null, p.createdAt()))
                .thenReturn(p);
    }

    public Mono<Payment> find(String id) {
        return db.sql("select " + COLUMNS + " from payment where id = :id").bind("id", id).map(this::payment).one();
    }

    public Mono<Payment> findByReference(String agencyId, String reference) {
        return db.sql("select " + COLUMNS + " from payment where agency_id = :agency and reference = :reference")
                .bind("agency", agencyId).bind("reference", reference).map(this::payment).one();
    }

    /** The caller's orders, newest first, after the cursor's (created_at, id). */
    public Flux<Payment> list(String column, String value, List<PaymentStatus> statuses, Instant beforeAt, String beforeId,
            int limit) {
        String sql = "select " + COLUMNS + " from payment where " + column + " = :value"
                + (statuses.isEmpty() ? "" : " and status = any(:statuses)")
                + (beforeAt == null ? "" : " and (created_at, id) < (:at, :bid)")
                + " order by created_at desc, id desc limit :limit";
        var spec = db.sql(sql).bind("value", value).bind("limit", limit);
        if (!statuses.isEmpty()) {
            spec = spec.bind("statuses", statuses.stream().map(PaymentStatus::wire).toArray(String[]::new));
        }
        if (beforeAt != null) {
            spec = spec.bind("at", utc(beforeAt)).bind("bid", beforeId);
        }
        return spec.map(this::payment).all();
    }

    /** Open payments whose check is due: pending ones the sweeper asks the channel about, expired ones it closes. */
    public Flux<Payment> due(Instant now, int limit) {
        return db.sql("select " + COLUMNS + " from payment where status in ('created', 'starting', 'pending', 'closing')"
                        + " and next_check_at <= :now order by next_check_at limit :limit")
                .bind("now", utc(now)).bind("limit", limit).map(this::payment).all();
    }

    /**
     * Applies {@code event} to {@code current} (as read), writing {@code change}; fails with
     * {@link IllegalTransition} when the table does not allow it and {@link StaleVersion} when the row moved on.
     */
    public Mono<Payment> transition(Payment current, PaymentEvent event, PaymentChange change, Instant now) {
        PaymentStatus to = PaymentTransitions.next(current.status(), event)
                .orElseThrow(() -> new IllegalTransition(current.status(), event));
        var spec = db.sql("update payment set status = :to, version = version + 1, updated_at = :now,"
                        + " channel = coalesce(:channel, channel),"
                        + " channel_account_id = coalesce(:account, channel_account_id),"
                        + " channel_reference = coalesce(:reference, channel_reference),"
                        + " app_parameters = coalesce(:params, app_parameters),"
                        + " channel_transaction_id = coalesce(:txn, channel_transaction_id),"
                        + " paid_at = coalesce(:paid, paid_at), fee = coalesce(:fee, fee),"
                        + " close_reason = coalesce(:reason, close_reason), next_check_at = :check"
                        + " where id = :id and version = :version and status = :from")
                .bind("to", to.wire()).bind("now", utc(now)).bind("id", current.id())
                .bind("version", current.version()).bind("from", current.status().wire());
        spec = Sql.bind(spec, "channel", change.channel() == null ? null : change.channel().wire(), String.class);
        spec = Sql.bind(spec, "account", change.channelAccountId(), String.class);
        spec = Sql.bind(spec, "reference", change.channelReference(), String.class);
        spec = Sql.bindJson(spec, "params", change.appParameters() == null ? null : json.writeValueAsString(change.appParameters()));
        spec = Sql.bind(spec, "txn", change.channelTransactionId(), String.class);
        spec = Sql.bind(spec, "paid", change.paidAt() == null ? null : utc(change.paidAt()), OffsetDateTime.class);
        spec = Sql.bind(spec, "fee", change.fee(), Long.class);
        spec = Sql.bind(spec, "reason", change.closeReason(), String.class);
        spec = Sql.bind(spec, "check", change.nextCheckAt() == null ? null : utc(change.nextCheckAt()), OffsetDateTime.class);
        return spec.fetch().rowsUpdated()
                .flatMap(rows -> rows == 1 ? Mono.empty() : Mono.error(new StaleVersion(current.id())))
                .then(record(current.id(), null, current.status(), to, event.wire(), change.detailJson(), now))
                .then(find(current.id()));
    }

    /** Moves the next check of an open payment without changing its status (a query that found nothing new). */
    public Mono<Void> reschedule(Payment current, Instant next) {
        return db.sql("update payment set next_check_at = :check where id = :id and version = :version")
                .bind("check", utc(next)).bind("id", current.id()).bind("version", current.version())
                .fetch().rowsUpdated().then();
    }

    /**
     * Reserves {@code amount} of a succeeded payment for a refund, atomically: of concurrent refunds that together
     * exceed what is left, the ones that do not fit find no row to update. Emits whether it was reserved.
     */
    public Mono<Boolean> reserveRefund(String paymentId, long amount, Instant now) {
        return db.sql("update payment set refund_reserved = refund_reserved + :amount, version = version + 1,"
                        + " updated_at = :now where id = :id and status = 'succeeded'"
                        + " and amount - refund_reserved >= :amount")
                .bind("amount", amount).bind("now", utc(now)).bind("id", paymentId)
                .fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** A refund failed: its reservation is released. */
    public Mono<Void> releaseRefund(String paymentId, long amount, Instant now) {
        return db.sql("update payment set refund_reserved = refund_reserved - :amount, version = version + 1,"
                        + " updated_at = :now where id = :id")
                .bind("amount", amount).bind("now", utc(now)).bind("id", paymentId).fetch().rowsUpdated().then();
    }

    /** A refund succeeded: the money left. */
    public Mono<Void> markRefunded(String paymentId, long amount, Instant now) {
        return db.sql("update payment set refunded = refunded + :amount, version = version + 1, updated_at = :now"
                        + " where id = :id")
                .bind("amount", amount).bind("now", utc(now)).bind("id", paymentId).fetch().rowsUpdated().then();
    }

    public Mono<Void> record(String paymentId, String refundId, Enum<?> from, Enum<?> to, String event, String detail,
            Instant at) {
        var spec = db.sql("insert into payment_transition (payment_id, refund_id, from_status, to_status, event, detail, at)"
                        + " values (:payment, :refund, :from, :to, :event, :detail, :at)")
                .bind("payment", paymentId).bind("from", from.name().toLowerCase(java.util.Locale.ROOT))
                .bind("to", to.name().toLowerCase(java.util.Locale.ROOT)).bind("event", event).bind("at", utc(at));
        spec = Sql.bind(spec, "refund", refundId, String.class);
        spec = Sql.bindJson(spec, "detail", detail);
        return spec.fetch().rowsUpdated().then();
    }

    /** The payment's history, oldest first. */
    public Flux<Map<String, Object>> history(String paymentId) {
        return db.sql("select refund_id, from_status, to_status, event, detail, at from payment_transition"
                        + " where payment_id = :id order by id")
                .bind("id", paymentId)
                .map(row -> {
                    Map<String, Object> out = new java.util.LinkedHashMap<>();
                    out.put("at", row.get("at", OffsetDateTime.class).toInstant().toString());
                    out.put("from", row.get("from_status", String.class));
                    out.put("to", row.get("to_status", String.class));
                    out.put("event", row.get("event", String.class));
                    String refund = row.get("refund_id", String.class);
                    if (refund != null) {
                        out.put("refund_id", refund);
                    }
                    return out;
                })
                .all();
    }

    Payment payment(Readable row) {
        String params = Sql.json(row.get("app_parameters"));
        String channel = row.get("channel", String.class);
        return new Payment(row.get("id", String.class), row.get("agency_id", String.class),
                row.get("reference", String.class), row.get("citizen_ref", String.class),
                row.get("citizen_subject", String.class), row.get("amount", Long.class), row.get("currency", String.class),
                row.get("description", String.class), Sql.json(row.get("line_items")),
                PaymentStatus.fromWire(row.get("status", String.class)), row.get("close_reason", String.class),
                channel == null ? null : ChannelKind.fromWire(channel).orElseThrow(),
                row.get("channel_account_id", String.class), row.get("channel_reference", String.class),
                params == null ? null : json.readValue(params, STRING_MAP), row.get("channel_transaction_id", String.class),
                row.get("refund_reserved", Long.class), row.get("refunded", Long.class), row.get("fee", Long.class),
                instant(row, "expires_at"), instant(row, "next_check_at"), instant(row, "created_at"),
                instant(row, "updated_at"), instant(row, "paid_at"), row.get("version", Integer.class));
    }


}
