package org.civicstack.registry.service.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;

import io.r2dbc.spi.Readable;
import org.civicstack.platform.api.Sql;
import org.civicstack.registry.service.domain.RevisionState;
import org.civicstack.registry.service.domain.ServiceStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for services and their revisions. Callers own the transaction. */
@Repository
public class ServiceStore {

    private static final String SERVICE_COLUMNS = "id, code, agency_id, status, live_revision, previous_revision, "
            + "latest_revision, status_reason, created_at, updated_at";

    private final DatabaseClient db;

    public ServiceStore(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(ServiceRow row) {
        return db.sql("INSERT INTO service (id, code, agency_id, status, latest_revision) "
                        + "VALUES (:id, :code, :agency, :status, :latest)")
                .bind("id", row.id())
                .bind("code", row.code())
                .bind("agency", row.agencyId())
                .bind("status", row.status().apiValue())
                .bind("latest", row.latestRevision())
                .then();
    }

    /** The row, locked until the transaction ends: concurrent commands on one service run one after another. */
    public Mono<ServiceRow> lock(String id) {
        return db.sql("SELECT " + SERVICE_COLUMNS + " FROM service WHERE id = :id FOR UPDATE")
                .bind("id", id)
                .map(ServiceStore::serviceRow)
                .one();
    }

    public Mono<ServiceRow> find(String id) {
        return db.sql("SELECT " + SERVICE_COLUMNS + " FROM service WHERE id = :id")
                .bind("id", id)
                .map(ServiceStore::serviceRow)
                .one();
    }

    public Mono<ServiceRow> findByCode(String code) {
        return db.sql("SELECT " + SERVICE_COLUMNS + " FROM service WHERE code = :code")
                .bind("code", code)
                .map(ServiceStore::serviceRow)
                .one();
    }

    /** Services ordered by code after {@code afterCode}; all agencies when {@code agencyId} is null. */
    public Flux<ServiceRow> list(String agencyId, String afterCode, int limit) {
        String where = agencyId == null ? "code > :after" : "agency_id = :agency AND code > :after";
        var spec = db.sql("SELECT " + SERVICE_COLUMNS + " FROM service WHERE " + where + " ORDER BY code LIMIT :limit")
                .bind("after", afterCode)
                .bind("limit", limit);
        if (agencyId != null) {
            spec = spec.bind("agency", agencyId);
        }
        return spec.map(ServiceStore::serviceRow).all();
    }

    /**
     * Every service in code order, each with the revision that describes it: the live one while the gateway routes
     * the service (published, suspended, retired), otherwise the newest. Rows are fetched {@code fetchSize} at a time
     * through a cursor, so run it inside a (read-only) transaction.
     */
    public Flux<ServiceDefinitionRow> allWithCurrentDefinition(int fetchSize) {
        return db.sql("SELECT " + qualified("s", SERVICE_COLUMNS) + ", r.revision AS r_revision, r.definition AS r_definition "
                        + "FROM service s JOIN service_revision r ON r.service_id = s.id AND r.revision = "
                        + "CASE WHEN s.status IN ('published', 'suspended', 'retired') THEN s.live_revision "
                        + "ELSE s.latest_revision END ORDER BY s.code")
                .filter(statement -> statement.fetchSize(fetchSize))
                .map(r -> new ServiceDefinitionRow(serviceRow(r), r.get("r_revision", Integer.class),
                        Sql.json(r.get("r_definition"))))
                .all();
    }

    private static String qualified(String alias, String columns) {
        return alias + "." + String.join(", " + alias + ".", columns.split(", "));
    }

    public Mono<Void> update(ServiceRow row) {
        var spec = db.sql("UPDATE service SET status = :status, live_revision = :live, previous_revision = :previous, "
                        + "latest_revision = :latest, status_reason = :reason, updated_at = now(), "
                        + "lock_version = lock_version + 1 WHERE id = :id")
                .bind("id", row.id())
                .bind("status", row.status().apiValue())
                .bind("latest", row.latestRevision());
        spec = Sql.bind(spec, "live", row.liveRevision(), Integer.class);
        spec = Sql.bind(spec, "previous", row.previousRevision(), Integer.class);
        spec = Sql.bind(spec, "reason", row.statusReason(), String.class);
        return spec.then();
    }

    public Mono<Void> insertRevision(RevisionRow row) {
        return Sql.bindJson(db.sql("INSERT INTO service_revision (service_id, revision, state, definition, created_by) "
                                + "VALUES (:service, :revision, :state, :definition, :by)")
                        .bind("service", row.serviceId())
                        .bind("revision", row.revision())
                        .bind("state", row.state().apiValue())
                        .bind("by", row.createdBy()), "definition", row.definitionJson())
                .then();
    }

    public Mono<Void> updateRevision(RevisionRow row) {
        var spec = db.sql("UPDATE service_revision SET state = :state, definition = :definition, "
                        + "reject_reason = :reason, created_by = :by WHERE service_id = :service AND revision = :revision")
                .bind("service", row.serviceId())
                .bind("revision", row.revision())
                .bind("state", row.state().apiValue())
                .bind("by", row.createdBy());
        spec = Sql.bindJson(spec, "definition", row.definitionJson());
        spec = Sql.bind(spec, "reason", row.rejectReason(), String.class);
        return spec.then();
    }

    public Mono<RevisionRow> revision(String serviceId, int revision) {
        return db.sql("SELECT service_id, revision, state, definition, reject_reason, created_by, created_at "
                        + "FROM service_revision WHERE service_id = :service AND revision = :revision")
                .bind("service", serviceId)
                .bind("revision", revision)
                .map(ServiceStore::revisionRow)
                .one();
    }

    public Flux<RevisionRow> revisions(String serviceId) {
        return db.sql("SELECT service_id, revision, state, definition, reject_reason, created_by, created_at "
                        + "FROM service_revision WHERE service_id = :service ORDER BY revision")
                .bind("service", serviceId)
                .map(ServiceStore::revisionRow)
                .all();
    }

    static ServiceRow serviceRow(Readable r) {
        return new ServiceRow(r.get("id", String.class), r.get("code", String.class), r.get("agency_id", String.class),
                ServiceStatus.valueOf(r.get("status", String.class).toUpperCase()),
                r.get("live_revision", Integer.class), r.get("previous_revision", Integer.class),
                r.get("latest_revision", Integer.class), r.get("status_reason", String.class),
                instant(r.get("created_at", OffsetDateTime.class)), instant(r.get("updated_at", OffsetDateTime.class)));
    }

    static RevisionRow revisionRow(Readable r) {
        return new RevisionRow(r.get("service_id", String.class), r.get("revision", Integer.class),
                RevisionState.valueOf(r.get("state", String.class).toUpperCase()), Sql.json(r.get("definition")),
                r.get("reject_reason", String.class), r.get("created_by", String.class),
                instant(r.get("created_at", OffsetDateTime.class)));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

}
