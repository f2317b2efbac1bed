package org.civicstack.certificates.issuance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.r2dbc.spi.Readable;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The {@code credential} table. */
@Component
public class CredentialStore {

    private final DatabaseClient db;
    private final JsonMapper json;

    public CredentialStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    private static final String INSERT = "insert into credential (id, type_id, issuer_agency_id, citizen_ref, status,"
            + " status_list_id, status_index, issued_at, expires_at, supersedes, payload, version, updated_at) values (%s,"
            + " 1, %s) on conflict (status_list_id, status_index) do nothing";

    /** Inserts; false when its status list slot is taken (the caller draws another). */
    public Mono<Boolean> insert(Credential c) {
        var spec = db.sql(INSERT.formatted(":id, :type, :issuer, :citizen, :status, :list, :index, :issued, :expires,"
                        + " :supersedes, :payload", ":issued"))
                .bind("id", c.id()).bind("type", c.typeId()).bind("issuer", c.issuerAgencyId())
                .bind("citizen", c.citizenRef()).bind("status", c.status()).bind("list", c.statusListId())
                .bind("index", c.statusIndex()).bind("issued", Sql.utc(c.issuedAt()))
                .bind("expires", Sql.utc(c.expiresAt())).bind("payload", c.payload());
        spec = Sql.bind(spec, "supersedes", c.supersedes(), String.class);
        return spec.fetch().rowsUpdated().map(n -> n == 1);
    }

    /**
     * Inserts many new credentials (none superseding a named one) in one statement: per credential, in order, false
     * when its status list slot was taken. Rows go in in the given order.
     */
    public Flux<Boolean> insertAll(List<Credential> all) {
        if (all.isEmpty()) {
            return Flux.empty();
        }
        List<Map<String, Object>> rows = new ArrayList<>(all.size());
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        for (Credential c : all) {
            if (c.supersedes() != null || !"valid".equals(c.status())) {
                throw new IllegalArgumentException("insertAll takes new, valid credentials only");
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("i", c.id());
            row.put("t", c.typeId());
            row.put("a", c.issuerAgencyId());
            row.put("c", c.citizenRef());
            row.put("l", c.statusListId());
            row.put("x", c.statusIndex());
            row.put("s", c.issuedAt().getEpochSecond());
            row.put("e", c.expiresAt().getEpochSecond());
            row.put("p", base64.encodeToString(c.payload()));
            rows.add(row);
        }
        // the rows as one json document of one statement: one parse, one round trip, one executor run for the batch
        // (json, not jsonb or text arrays: the cheapest for PostgreSQL to read and for us to write)
        return Sql.bindJson(db.sql("insert into credential (id, type_id, issuer_agency_id, citizen_ref, status,"
                        + " status_list_id, status_index, issued_at, expires_at, payload, version, updated_at)"
                        + " select i, t, a, c, 'valid', l, x, to_timestamp(s), to_timestamp(e), decode(p, 'base64'), 1,"
                        + " to_timestamp(s) from json_to_recordset(cast(:rows as json))"
                        + " as r(i text, t text, a text, c text, l text, x integer, s bigint, e bigint, p text)"
                        + " on conflict (status_list_id, status_index) do nothing returning id"),
                        "rows", json.writeValueAsString(rows))
                .map(row -> row.get("id", String.class)).all().collect(java.util.stream.Collectors.toSet())
                .flatMapMany(inserted -> Flux.fromIterable(all).map(c -> inserted.contains(c.id())));
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
        return db.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))").bind("key", lockKey(citizenRef, typeId))
                .fetch().rowsUpdated()
                .thenMany(db.sql("select * from credential where citizen_ref = :citizen and type_id = :type"
                                + " and status in ('valid', 'suspended') for update")
                        .bind("citizen", citizenRef).bind("type", typeId).map(CredentialStore::credential).all());
    }

    /**
     * {@link #lockCurrent} for many (citizen, type) pairs at once: the advisory locks taken in one order (by their
     * hash), so two batches, or a batch and a single issuance, never wait on each other in a cycle; then every
     * current credential of the citizens, locked (the caller keeps those of the types it issues).
     */
    public Flux<Credential> lockCurrentAll(Collection<String> citizenRefs, Collection<String> lockKeys) {
        return db.sql("select pg_advisory_xact_lock(h) from (select distinct hashtextextended(k, 0) as h"
                        + " from unnest(cast(:keys as text[])) as k order by 1) as locks")
                .bind("keys", lockKeys.toArray(String[]::new))
                .fetch().rowsUpdated()
                .thenMany(db.sql("select * from credential where citizen_ref = any(cast(:citizens as text[]))"
                                + " and status in ('valid', 'suspended') for update")
                        .bind("citizens", citizenRefs.toArray(String[]::new)).map(CredentialStore::credential).all());
    }

    /** The advisory lock key of a (citizen, type) pair, as {@link #lockCurrent} and {@link #lockCurrentAll} take it. */
    public static String lockKey(String citizenRef, String typeId) {
        return citizenRef + "|" + typeId;
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
