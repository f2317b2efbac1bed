package org.civicstack.registry.routing;

import java.util.Map;

import org.civicstack.platform.api.Sql;
import org.civicstack.registry.service.domain.ServiceDefinition;
import org.civicstack.registry.service.domain.ServiceStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The routing change feed: every change that affects routing gets the next version, in the same transaction as the
 * change (and an outbox event for the Redis Stream). Also the snapshot of the whole routing table at one version.
 */
@Component
public class RoutingFeed {

    /** Redis Stream the gateway instances read. */
    public static final String STREAM = "cs:registry:routing";
    static final long LOCK_KEY = 7001;

    private final DatabaseClient db;
    private final JsonMapper json;
    private final TransactionalOperator snapshotTransaction;

    public RoutingFeed(DatabaseClient db, JsonMapper json, ReactiveTransactionManager transactions) {
        this.db = db;
        this.json = json;
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
        definition.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        definition.setReadOnly(true);
        this.snapshotTransaction = TransactionalOperator.create(transactions, definition);
    }

    /** Must run inside the caller's transaction. Returns the new version. */
    public Mono<Long> append(String code, ServiceStatus status, int revision, String agencyId, ServiceDefinition definition) {
        return db.sql("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").then()
                .then(db.sql("SELECT coalesce(max(version), 0) + 1 AS next FROM routing_change")
                        .map(r -> r.get("next", Long.class)).one())
                .flatMap(version -> insert(version, RouteEntry.of(version, code, status, revision, agencyId, definition)));
    }

    private Mono<Long> insert(long version, RouteEntry entry) {
        String route = json.writeValueAsString(entry);
        return Sql.bindJson(db.sql("INSERT INTO routing_change (version, service_code, status, route) "
                                + "VALUES (:version, :code, :status, :route)")
                        .bind("version", version)
                        .bind("code", entry.code())
                        .bind("status", entry.status()), "route", route)
                .then()
                .then(Sql.bindJson(db.sql("INSERT INTO outbox_event (event_id, stream, event_type, payload) "
                                        + "VALUES (gen_random_uuid(), :stream, 'routing.changed', :payload)")
                                .bind("stream", STREAM), "payload", route)
                        .then())
                .thenReturn(version);
    }

    /** Changes with a version above {@code after}, oldest first. */
    public Flux<String> changesAfter(long after, int limit) {
        return db.sql("SELECT route FROM routing_change WHERE version > :after ORDER BY version LIMIT :limit")
                .bind("after", after)
                .bind("limit", limit)
                .map(r -> Sql.json(r.get("route")))
                .all();
    }

    public Mono<Long> currentVersion() {
        return db.sql("SELECT coalesce(max(version), 0) AS v FROM routing_change").map(r -> r.get("v", Long.class)).one();
    }

    /**
     * The routing table at one version as NDJSON: a first line {@code {"version": N, "routes": count}}, then the
     * latest entry of every routed service. Read in one repeatable-read transaction, so lines and version agree.
     */
    public Flux<String> snapshot() {
        Flux<String> lines = currentVersion()
                .flatMapMany(version -> db.sql("SELECT count(DISTINCT service_code) AS n FROM routing_change")
                        .map(r -> r.get("n", Long.class)).one()
                        .map(count -> json.writeValueAsString(Map.of("version", version, "routes", count)))
                        .concatWith(db.sql("SELECT DISTINCT ON (service_code) route FROM routing_change "
                                        + "ORDER BY service_code, version DESC")
                                .map(r -> Sql.json(r.get("route")))
                                .all()));
        return snapshotTransaction.transactional(lines).map(line -> line + "\n");
    }

}
