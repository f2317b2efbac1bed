package org.civicstack.certificates.types;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code credential_type} table. */
@Component
public class CredentialTypeStore {

    private static final TypeReference<Map<String, String>> TEXTS = new TypeReference<>() {
    };
    private static final TypeReference<List<ClaimDefinition>> CLAIMS = new TypeReference<>() {
    };

    private final DatabaseClient db;
    private final JsonMapper json;

    public CredentialTypeStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Inserts a new type; false if the id is taken. */
    public Mono<Boolean> insert(CredentialType type) {
        return db.sql("insert into credential_type (id, issuer_agency_id, name, description, claims, validity_days,"
                        + " display, status, version, created_at, updated_at) values (:id, :agency, :name,"
                        + " :description, :claims, :validity, :display, :status, :version, :created,"
                        + " :updated) on conflict (id) do nothing")
                .bind("id", type.id()).bind("agency", type.issuerAgencyId())
                .bind("name", Json.of(json.writeValueAsString(type.name())))
                .bind("description", Json.of(json.writeValueAsString(type.description())))
                .bind("claims", Json.of(json.writeValueAsString(type.claims())))
                .bind("validity", type.validityDays())
                .bind("display", Json.of(json.writeValueAsString(type.display())))
                .bind("status", type.status()).bind("version", type.version())
                .bind("created", utc(type.createdAt())).bind("updated", utc(type.updatedAt()))
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    /** Replaces a type's definition if it is still at {@code expectedVersion}; false otherwise. */
    public Mono<Boolean> update(CredentialType type, int expectedVersion) {
        return db.sql("update credential_type set name = :name, description = :description,"
                        + " claims = :claims, validity_days = :validity, display = :display,"
                        + " status = :status, version = :version, updated_at = :updated where id = :id and version = :expected")
                .bind("id", type.id())
                .bind("name", Json.of(json.writeValueAsString(type.name())))
                .bind("description", Json.of(json.writeValueAsString(type.description())))
                .bind("claims", Json.of(json.writeValueAsString(type.claims())))
                .bind("validity", type.validityDays())
                .bind("display", Json.of(json.writeValueAsString(type.display())))
                .bind("status", type.status()).bind("version", type.version())
                .bind("updated", utc(type.updatedAt())).bind("expected", expectedVersion)
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    public Mono<CredentialType> find(String id) {
        return db.sql("select * from credential_type where id = :id").bind("id", id).map(this::type).one();
    }

    /** Types in id order after {@code afterId}, optionally of one issuer. */
    public Flux<CredentialType> list(String issuer, String afterId, int limit) {
        String sql = "select * from credential_type where id > :after"
                + (issuer != null ? " and issuer_agency_id = :issuer" : "") + " order by id limit :limit";
        var spec = db.sql(sql).bind("after", afterId).bind("limit", limit);
        if (issuer != null) {
            spec = spec.bind("issuer", issuer);
        }
        return spec.map(this::type).all();
    }

    private CredentialType type(Readable row) {
        return new CredentialType(row.get("id", String.class), row.get("issuer_agency_id", String.class),
                json.readValue(Sql.json(row.get("name")), TEXTS),
                json.readValue(Sql.json(row.get("description")), TEXTS),
                json.readValue(Sql.json(row.get("claims")), CLAIMS),
                row.get("validity_days", Integer.class),
                json.readValue(Sql.json(row.get("display")), TEXTS),
                row.get("status", String.class), row.get("version", Integer.class),
                row.get("created_at", OffsetDateTime.class).toInstant(),
                row.get("updated_at", OffsetDateTime.class).toInstant());
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
