package org.civicstack.certificates.accesslog;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.r2dbc.spi.Readable;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The citizen's "who used my data": every issuance, share, presentation, verification and status change of each of
 * their credentials, written in the transaction of the act itself. Claim names, never values.
 */
@Component
public class AccessLog {

    private final DatabaseClient db;
    private final JsonMapper json;

    public AccessLog(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** One entry; {@code agencyId} is who acted or received, the other fields may be null. */
    public record Entry(long id, String credentialId, String citizenRef, String kind, String agencyId, String clientId,
            List<String> claims, Map<String, String> purpose, String consentId, String requestId, Instant at) {
    }

    public Mono<Void> record(String credentialId, String citizenRef, String kind, String agencyId, String clientId,
            List<String> claims, Map<String, String> purpose, String consentId, String requestId, Instant at) {
        var spec = db.sql("insert into access_event (credential_id, citizen_ref, kind, agency_id, client_id, claims,"
                        + " purpose, consent_id, request_id, at) values (:credential, :citizen, :kind, :agency, :client,"
                        + " :claims, :purpose, :consent, :request, :at)")
                .bind("credential", credentialId).bind("citizen", citizenRef).bind("kind", kind)
                .bind("at", Sql.utc(at));
        spec = Sql.bind(spec, "agency", agencyId, String.class);
        spec = Sql.bind(spec, "client", clientId, String.class);
        spec = Sql.bindJson(spec, "claims", claims == null ? null : json.writeValueAsString(claims));
        spec = Sql.bindJson(spec, "purpose", purpose == null ? null : json.writeValueAsString(purpose));
        spec = Sql.bind(spec, "consent", consentId, String.class);
        spec = Sql.bind(spec, "request", requestId, String.class);
        return spec.fetch().rowsUpdated().then();
    }

    /** A citizen's entries, newest first, optionally of one credential, before id {@code before} (0: from the top). */
    public Flux<Entry> ofCitizen(String citizenRef, String credentialId, long before, int limit) {
        String sql = "select * from access_event where citizen_ref = :citizen"
                + (credentialId != null ? " and credential_id = :credential" : "")
                + (before > 0 ? " and id < :before" : "") + " order by id desc limit :limit";
        var spec = db.sql(sql).bind("citizen", citizenRef).bind("limit", limit);
        if (credentialId != null) {
            spec = spec.bind("credential", credentialId);
        }
        if (before > 0) {
            spec = spec.bind("before", before);
        }
        return spec.map(this::entry).all();
    }

    private Entry entry(Readable row) {
        String claims = Sql.json(row.get("claims"));
        String purpose = Sql.json(row.get("purpose"));
        return new Entry(row.get("id", Long.class), row.get("credential_id", String.class),
                row.get("citizen_ref", String.class), row.get("kind", String.class), row.get("agency_id", String.class),
                row.get("client_id", String.class),
                claims == null ? null : json.readValue(claims, new TypeReference<List<String>>() {
                }),
                purpose == null ? null : json.readValue(purpose, new TypeReference<Map<String, String>>() {
                }),
                row.get("consent_id", String.class), row.get("request_id", String.class), Sql.instant(row, "at"));
    }

}
