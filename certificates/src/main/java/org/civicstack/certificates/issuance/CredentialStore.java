package org.civicstack.certificates.issuance;

import java.time.Instant;

import io.r2dbc.spi.Readable;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code credential} table. */
@Component
public class CredentialStore {

    private final DatabaseClient db;

    public CredentialStore(DatabaseClient db) {
        this.db = db;
    }

    /** Inserts; false when its status list slot is taken (the caller draws another). */
    public Mono<Boolean> insert(Credential c) {
        var spec = db.sql("insert into credential (id, type_id, issuer_agency_id, citizen_ref, status, status_list_id,"
                        + " status_index, issued_at, expires_at, supersedes, payload, version, updated_at) values (:id,"
                        + " :type, :issuer, :citizen, :status, :list, :index, :issued, :expires, :supersedes, :payload,"
                        + " 1, :issued) on conflict (status_list_id, status_index) do nothing")
                .bind("id", c.id()).bind("type", c.typeId()).bind("issuer", c.issuerAgencyId())
                .bind("citizen", c.citizenRef()).bind("status", c.status()).bind("list", c.statusListId())
                .bind("index", c.statusIndex()).bind("issued", Sql.utc(c.issuedAt()))
                .bind("expires", Sql.utc(c.expiresAt())).bind("payload", c.payload());
        spec = Sql.bind(spec, "supersedes", c.supersedes(), String.class);
        return spec.fetch().rowsUpdated().map(n -> n == 1);
    }

    public Mono<Credential> find(String id) {
        return db.sql("select * from credential where id = :id").bind("id", id).map(CredentialStore::credential).one();
    }

    /** Locks the row for the rest of the transaction. */
    public Mono<Credential> lock(String id) {
        return db.sql("select * from credential where id = :id for update").bind("id", id)
                .map(CredentialStore::credential).one();
    }

    /**
     * The citizen's credentials of a type that are still valid or suspended, locked — after a transaction-scoped
     * advisory lock on (citizen, type), so two concurrent issuances of the type to one citizen run one after the
     * other and the second supersedes the first (row locks alone would not see a row the other is inserting).
     */
    public Flux<Credential> lockCurrent(String citizenRef, String typeId) {
        return db.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))").bind("key", citizenRef + "|" + typeId)
                .fetch().rowsUpdated()
                .thenMany(db.sql("select * from credential where citizen_ref = :citizen and type_id = :type"
                                + " and status in ('valid', 'suspended') for update")
                        .bind("citizen", citizenRef).bind("type", typeId).map(CredentialStore::credential).all());
    }

    /** Moves a credential to {@code status} if it is still at {@code version}; false otherwise. */
    public Mono<Boolean> changeStatus(Credential c, String status, String reason, String supersededBy, Instant now) {
        var spec = db.sql("update credential set status = :status, status_reason = :reason, superseded_by ="
                        + " coalesce(:by, superseded_by), version = version + 1, updated_at = :now"
                        + " where id = :id and version = :version")
                .bind("status", status).bind("now", Sql.utc(now)).bind("id", c.id()).bind("version", c.version());
        spec = Sql.bind(spec, "reason", reason, String.class);
        spec = Sql.bind(spec, "by", supersededBy, String.class);
        return spec.fetch().rowsUpdated().map(n -> n == 1);
    }

    /** A citizen's credentials, newest first. */
    public Flux<Credential> ofCitizen(String citizenRef, boolean includeEnded) {
        return db.sql("select * from credential where citizen_ref = :citizen"
                        + (includeEnded ? "" : " and status in ('valid', 'suspended')") + " order by issued_at desc, id")
                .bind("citizen", citizenRef).map(CredentialStore::credential).all();
    }

    /** An issuer's credentials, newest first, after a cursor (issued_at|id). */
    public Flux<Credential> ofIssuer(String agencyId, String typeId, String status, Instant beforeIssued,
            String beforeId, int limit) {
        String sql = "select * from credential where issuer_agency_id = :agency"
                + (typeId != null ? " and type_id = :type" : "") + (status != null ? " and status = :status" : "")
                + (beforeIssued != null ? " and (issued_at, id) < (:issued, :id)" : "")
                + " order by issued_at desc, id desc limit :limit";
        var spec = db.sql(sql).bind("agency", agencyId).bind("limit", limit);
        if (typeId != null) {
            spec = spec.bind("type", typeId);
        }
        if (status != null) {
            spec = spec.bind("status", status);
        }
        if (beforeIssued != null) {
            spec = spec.bind("issued", Sql.utc(beforeIssued)).bind("id", beforeId);
        }
        return spec.map(CredentialStore::credential).all();
    }

    static Credential credential(Readable row) {
        return new Credential(row.get("id", String.class), row.get("type_id", String.class),
                row.get("issuer_agency_id", String.class), row.get("citizen_ref", String.class),
                row.get("status", String.class), row.get("status_list_id", String.class),
                row.get("status_index", Integer.class), Sql.instant(row, "issued_at"), Sql.instant(row, "expires_at"),
                row.get("supersedes", String.class), row.get("superseded_by", String.class),
                row.get("status_reason", String.class), row.get("payload", byte[].class),
                row.get("version", Integer.class), Sql.instant(row, "updated_at"));
    }
}
