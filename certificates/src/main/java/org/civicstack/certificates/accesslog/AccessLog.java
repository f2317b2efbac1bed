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
        return recordAll(List.of(new Entry(0, credentialId, citizenRef, kind, agencyId, clientId, claims, purpose,
                consentId, requestId, at)));
    }

    /** Many entries in one statement (their {@code id}s are ignored: the table numbers them, in list order). */
    public Mono<Void> recordAll(List<Entry> entries) {
        if (entries.isEmpty()) {
            return Mono.empty();
        }
        int n = entries.size();
        String[][] columns = new String[10][n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            columns[0][i] = e.credentialId();
            columns[1][i] = e.citizenRef();
            columns[2][i] = e.kind();
            columns[3][i] = e.agencyId();
            columns[4][i] = e.clientId();
            columns[5][i] = e.claims() == null ? null : json.writeValueAsString(e.claims());
            columns[6][i] = e.purpose() == null ? null : json.writeValueAsString(e.purpose());
            columns[7][i] = e.consentId();
            columns[8][i] = e.requestId();
            columns[9][i] = e.at().toString();
        }
        return db.sql("insert into access_event (credential_id, citizen_ref, kind, agency_id, client_id, claims, purpose,"
                        + " consent_id, request_id, at) select c0, c1, c2, c3, c4, cast(c5 as jsonb), cast(c6 as jsonb), c7,"
                        + " c8, cast(t as timestamptz) from unnest(cast(:c0 as text[]), cast(:c1 as text[]),"
                        + " cast(:c2 as text[]), cast(:c3 as text[]), cast(:c4 as text[]), cast(:c5 as text[]),"
                        + " cast(:c6 as text[]), cast(:c7 as text[]), cast(:c8 as text[]), cast(:t as text[]))"
                        + " with ordinality as u(c0, c1, c2, c3, c4, c5, c6, c7, c8, t, n) order by n")
                .bind("c0", columns[0]).bind("c1", columns[1]).bind("c2", columns[2]).bind("c3", columns[3])
                .bind("c4", columns[4]).bind("c5", columns[5]).bind("c6", columns[6]).bind("c7", columns[7])
                .bind("c8", columns[8]).bind("t", columns[9])
                .fetch().rowsUpdated().then();
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
