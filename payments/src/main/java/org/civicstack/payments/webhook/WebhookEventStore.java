package org.civicstack.payments.webhook;

import static org.civicstack.platform.api.Sql.instant;
import static org.civicstack.platform.api.Sql.utc;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.r2dbc.spi.Readable;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The webhook events as the dispatcher and the agency API see them: claiming due attempts under a lease, recording
 * their outcomes, the delivery log, and redelivery.
 *
 * <p>An attempt's number is its fencing token: a claim increments {@code attempts}, and an outcome is recorded on
 * the event only while {@code attempts} still equals the number claimed. An instance whose lease ran out (it
 * stalled, and another instance claimed the event again) therefore cannot overwrite the newer attempt's outcome;
 * its attempt is still logged, because it really was made.
 */
@Component
public class WebhookEventStore {

    /**
     * One key for every claim, whichever instance makes it: claims are serialised (each takes milliseconds; an
     * instance that finds another claiming skips the round), so the per-agency in-flight count a claim reads
     * includes every lease committed before it, and the agency limit holds across instances.
     */
    static final long CLAIM_LOCK = 0x7765_6268_6f6f_6b31L;

    /**
     * Due events, at most {@code :per_agency} in flight per agency counting the leases already held, oldest first
     * within an agency, most overdue agencies first overall; only agencies with a webhook URL (the others' events
     * stay pending, untouched, until one is set). Every due event takes part in the window, which is fine while
     * the due backlog is thousands, not millions.
     */
    private static final String CLAIM = """
            with in_flight as (
                select agency_id, count(*) as n from webhook_event
                where status = 'pending' and leased_until is not null and leased_until > :now
                group by agency_id
            ), ranked as (
                select e.id, e.agency_id, e.next_attempt_at,
                       row_number() over (partition by e.agency_id order by e.created_at, e.id) as rank
                from webhook_event e
                join merchant m on m.agency_id = e.agency_id and m.webhook_url is not null
                where e.status = 'pending' and e.next_attempt_at <= :now
            ), picked as (
                select r.id from ranked r left join in_flight f on f.agency_id = r.agency_id
                where r.rank <= :per_agency - coalesce(f.n, 0)
                order by r.next_attempt_at, r.id
                limit :batch
            ), locked as (
                select e.id from webhook_event e join picked p on p.id = e.id
                where e.status = 'pending' and e.next_attempt_at <= :now
                for update of e skip locked
            )
            update webhook_event e
            set attempts = e.attempts + 1, next_attempt_at = :lease_until, leased_until = :lease_until,
                retry_window_from = coalesce(e.retry_window_from, :now)
            from locked l, merchant m
            where e.id = l.id and m.agency_id = e.agency_id
            returning e.id, e.agency_id, e.payload, e.attempts, e.retry_window_from, m.webhook_url
            """;

    private final DatabaseClient db;
    private final TransactionalOperator tx;

    public WebhookEventStore(DatabaseClient db, TransactionalOperator tx) {
        this.db = db;
        this.tx = tx;
    }

    /** An attempt this instance holds the lease of. */
    public record Claim(String eventId, String agencyId, String body, int attempt, Instant retryWindowFrom,
            String url) {
    }

    /** An event as the agency sees it. */
    public record Event(String id, String agencyId, String type, String payload, Instant createdAt, String status,
            int attempts, Instant nextAttemptAt, Instant deliveredAt) {
    }

    /** One logged attempt. */
    public record Delivery(int attempt, Instant at, String url, Integer httpStatus, String error, int durationMs,
            String responseSnippet) {
    }

    /** What became of an attempt's event. */
    public enum Outcome {
        DELIVERED("delivered"), RETRYING("retrying"), GAVE_UP("gave_up");

        private final String wire;

        Outcome(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * Claims up to {@code batch} due attempts for {@code leaseFor} from {@code now}; emits nothing when another
     * instance is claiming at this moment.
     */
    public Flux<Claim> claim(Instant now, java.time.Duration leaseFor, int batch, int perAgency) {
        Flux<Claim> claimed = db.sql("select pg_try_advisory_xact_lock(:key) as got")
                .bind("key", CLAIM_LOCK)
                .map(row -> Boolean.TRUE.equals(row.get("got", Boolean.class)))
                .one()
                .flatMapMany(got -> got ? claimUnderLock(now, leaseFor, batch, perAgency) : Flux.empty());
        return claimed.as(tx::transactional);
    }

    private Flux<Claim> claimUnderLock(Instant now, java.time.Duration leaseFor, int batch, int perAgency) {
        return db.sql(CLAIM)
                .bind("now", utc(now))
                .bind("lease_until", utc(now.plus(leaseFor)))
                .bind("per_agency", perAgency)
                .bind("batch", batch)
                .map(row -> new Claim(row.get("id", String.class), row.get("agency_id", String.class),
                        Sql.json(row.get("payload")), row.get("attempts", Integer.class),
                        instant(row, "retry_window_from"), row.get("webhook_url", String.class)))
                .all();
    }

    /**
     * Logs the attempt and, while the claim is still the event's latest, records its outcome: delivered, due
     * again at {@code nextAttemptAt}, or failed. Emits whether the outcome was recorded on the event.
     */
    public Mono<Boolean> complete(Claim claim, Delivery delivery, Outcome outcome, Instant nextAttemptAt) {
        var log = db.sql("insert into webhook_delivery (event_id, attempt, at, url, http_status, error, duration_ms,"
                        + " response_snippet) values (:event, :attempt, :at, :url, :status, :error, :duration, :snippet)")
                .bind("event", claim.eventId())
                .bind("attempt", delivery.attempt())
                .bind("at", utc(delivery.at()))
                .bind("url", delivery.url())
                .bind("duration", delivery.durationMs());
        log = Sql.bind(log, "status", delivery.httpStatus(), Integer.class);
        log = Sql.bind(log, "error", delivery.error(), String.class);
        log = Sql.bind(log, "snippet", delivery.responseSnippet(), String.class);
        Instant now = delivery.at().plusMillis(delivery.durationMs());
        var event = switch (outcome) {
            case DELIVERED -> db.sql("update webhook_event set status = 'delivered', delivered_at = :now,"
                            + " leased_until = null where id = :id and attempts = :attempt and status = 'pending'")
                    .bind("now", utc(now));
            case RETRYING -> db.sql("update webhook_event set next_attempt_at = :next, leased_until = null"
                            + " where id = :id and attempts = :attempt and status = 'pending'")
                    .bind("next", utc(nextAttemptAt));
            case GAVE_UP -> db.sql("update webhook_event set status = 'failed', leased_until = null"
                    + " where id = :id and attempts = :attempt and status = 'pending'");
        };
        return log.fetch().rowsUpdated()
                .then(event.bind("id", claim.eventId()).bind("attempt", claim.attempt()).fetch().rowsUpdated())
                .map(updated -> updated == 1)
                .as(tx::transactional);
    }

    /** An agency's events, newest first, after the keyset {@code (createdAt, id)} when given. */
    public Flux<Event> list(String agencyId, Optional<String> status, Optional<Instant> beforeCreatedAt,
            Optional<String> beforeId, int limit) {
        StringBuilder sql = new StringBuilder("select id, agency_id, type, payload, created_at, status, attempts,"
                + " next_attempt_at, delivered_at from webhook_event where agency_id = :agency");
        status.ifPresent(s -> sql.append(" and status = :status"));
        if (beforeCreatedAt.isPresent()) {
            sql.append(" and (created_at, id) < (:before_at, :before_id)");
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        var spec = db.sql(sql.toString()).bind("agency", agencyId).bind("limit", limit);
        if (status.isPresent()) {
            spec = spec.bind("status", status.get());
        }
        if (beforeCreatedAt.isPresent()) {
            spec = spec.bind("before_at", utc(beforeCreatedAt.get())).bind("before_id", beforeId.orElse(""));
        }
        return spec.map(WebhookEventStore::event).all();
    }

    /** One of an agency's events (empty for another agency's). */
    public Mono<Event> find(String agencyId, String id) {
        return db.sql("select id, agency_id, type, payload, created_at, status, attempts, next_attempt_at,"
                        + " delivered_at from webhook_event where id = :id and agency_id = :agency")
                .bind("id", id).bind("agency", agencyId)
                .map(WebhookEventStore::event)
                .one();
    }

    /** Every logged attempt of an event, in order. */
    public Flux<Delivery> deliveries(String eventId) {
        return db.sql("select attempt, at, url, http_status, error, duration_ms, response_snippet from webhook_delivery"
                        + " where event_id = :id order by attempt")
                .bind("id", eventId)
                .map(row -> new Delivery(row.get("attempt", Integer.class), instant(row, "at"),
                        row.get("url", String.class), row.get("http_status", Integer.class),
                        row.get("error", String.class), row.get("duration_ms", Integer.class),
                        row.get("response_snippet", String.class)))
                .all();
    }

    /** What a redelivery request found. */
    public enum Redelivery {
        SCHEDULED, IN_FLIGHT, NOT_FOUND
    }

    /**
     * Makes an agency's event due at {@code now} again, whatever its status, with a fresh retry window; the log
     * stays. An event with an attempt in flight is left alone (its outcome is about to be recorded).
     */
    public Mono<Redelivery> redeliver(String agencyId, String id, Instant now) {
        return db.sql("update webhook_event set status = 'pending', next_attempt_at = :now, delivered_at = null,"
                        + " retry_window_from = null, leased_until = null"
                        + " where id = :id and agency_id = :agency"
                        + " and not (status = 'pending' and leased_until is not null and leased_until > :now)")
                .bind("now", utc(now)).bind("id", id).bind("agency", agencyId)
                .fetch().rowsUpdated()
                .flatMap(updated -> updated == 1 ? Mono.just(Redelivery.SCHEDULED)
                        : find(agencyId, id).map(e -> Redelivery.IN_FLIGHT).defaultIfEmpty(Redelivery.NOT_FOUND));
    }

    /** When the oldest pending event was created, if any is pending. */
    public Mono<Instant> oldestPending() {
        return db.sql("select min(created_at) as oldest from webhook_event where status = 'pending'")
                .map(row -> Optional.ofNullable(instant(row, "oldest")))
                .one()
                .flatMap(Mono::justOrEmpty);
    }

    private static Event event(Readable row) {
        return new Event(row.get("id", String.class), row.get("agency_id", String.class),
                row.get("type", String.class), Sql.json(row.get("payload")), instant(row, "created_at"),
                row.get("status", String.class), row.get("attempts", Integer.class), instant(row, "next_attempt_at"),
                instant(row, "delivered_at"));
    }



    static List<String> statuses() {
        return List.of("pending", "delivered", "failed");
    }
}
