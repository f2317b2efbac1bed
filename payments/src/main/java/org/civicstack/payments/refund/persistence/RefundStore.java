package org.civicstack.payments.refund.persistence;

import static org.civicstack.platform.api.Sql.instant;
import static org.civicstack.platform.api.Sql.utc;

import java.time.Instant;
import java.time.OffsetDateTime;

import io.r2dbc.spi.Readable;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.payments.payment.persistence.StaleVersion;
import org.civicstack.payments.refund.domain.Refund;
import org.civicstack.payments.refund.domain.RefundEvent;
import org.civicstack.payments.refund.domain.RefundStatus;
import org.civicstack.payments.refund.domain.RefundTransitions;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Refunds in PostgreSQL; status changes through {@link RefundTransitions} under the optimistic lock. */
@Component
public class RefundStore {

    static final String COLUMNS = "id, payment_id, agency_id, amount, currency, reason, status, channel_refund_id,"
            + " next_check_at, created_at, updated_at, completed_at, version";

    private final DatabaseClient db;
    private final PaymentStore payments;

    public RefundStore(DatabaseClient db, PaymentStore payments) {
        this.db = db;
        this.payments = payments;
    }

    public Mono<Refund> insert(Refund r) {
        var spec = db.sql("insert into refund (id, payment_id, agency_id, amount, currency, reason, status, next_check_at,"
                        + " created_at, updated_at) values (:id, :payment, :agency, :amount, :currency, :reason, :status,"
                        + " :check, :now, :now)")
                .bind("id", r.id()).bind("payment", r.paymentId()).bind("agency", r.agencyId()).bind("amount", r.amount())
                .bind("currency", r.currency()).bind("status", r.status().wire()).bind("now", utc(r.createdAt()))
                .bind("check", utc(r.nextCheckAt()));
        spec = Sql.bind(spec, "reason", r.reason(), String.class);
        return spec.fetch().rowsUpdated()
                .then(payments.record(r.paymentId(), r.id(), RefundStatus.REQUESTED, RefundStatus.REQUESTED,
                        "refund_requested", null, r.createdAt()))
                .thenReturn(r);
    }

    public Mono<Refund> find(String id) {
        return db.sql("select " + COLUMNS + " from refund where id = :id").bind("id", id).map(RefundStore::refund).one();
    }

    public Flux<Refund> forPayment(String paymentId) {
        return db.sql("select " + COLUMNS + " from refund where payment_id = :id order by created_at, id")
                .bind("id", paymentId).map(RefundStore::refund).all();
    }

    public Flux<Refund> due(Instant now, int limit) {
        return db.sql("select " + COLUMNS + " from refund where status in ('requested', 'pending')"
                        + " and next_check_at <= :now order by next_check_at limit :limit")
                .bind("now", utc(now)).bind("limit", limit).map(RefundStore::refund).all();
    }

    public Mono<Refund> transition(Refund current, RefundEvent event, String channelRefundId, Instant nextCheck,
            Instant now) {
        RefundStatus to = RefundTransitions.next(current.status(), event).orElseThrow(() -> new IllegalStateException(
                "no refund transition from " + current.status().wire() + " on " + event.wire()));
        var spec = db.sql("update refund set status = :to, version = version + 1, updated_at = :now,"
                        + " channel_refund_id = coalesce(:crid, channel_refund_id), next_check_at = :check,"
                        + " completed_at = case when :final then :now else completed_at end"
                        + " where id = :id and version = :version and status = :from")
                .bind("to", to.wire()).bind("now", utc(now)).bind("final", to.isFinal()).bind("id", current.id())
                .bind("version", current.version()).bind("from", current.status().wire());
        spec = Sql.bind(spec, "crid", channelRefundId, String.class);
        spec = Sql.bind(spec, "check", nextCheck == null ? null : utc(nextCheck), OffsetDateTime.class);
        return spec.fetch().rowsUpdated()
                .flatMap(rows -> rows == 1 ? Mono.empty() : Mono.error(new StaleVersion(current.id())))
                .then(payments.record(current.paymentId(), current.id(), current.status(), to, "refund_" + event.wire(),
                        null, now))
                .then(find(current.id()));
    }

    /** Moves the next check of an open refund. */
    public Mono<Void> reschedule(Refund current, Instant next) {
        return db.sql("update refund set next_check_at = :check where id = :id and version = :version")
                .bind("check", utc(next)).bind("id", current.id()).bind("version", current.version())
                .fetch().rowsUpdated().then();
    }

    static Refund refund(Readable row) {
        return new Refund(row.get("id", String.class), row.get("payment_id", String.class),
                row.get("agency_id", String.class), row.get("amount", Long.class), row.get("currency", String.class),
                row.get("reason", String.class), RefundStatus.fromWire(row.get("status", String.class)),
                row.get("channel_refund_id", String.class), instant(row, "next_check_at"), instant(row, "created_at"),
                instant(row, "updated_at"), instant(row, "completed_at"), row.get("version", Integer.class));
    }

}
