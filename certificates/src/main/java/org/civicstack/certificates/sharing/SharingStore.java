package org.civicstack.certificates.sharing;

import java.time.Instant;
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

/** The {@code presentation_request} and {@code consent} tables. */
@Component
public class SharingStore {

    private static final TypeReference<List<CredentialQuery>> QUERIES = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> TEXTS = new TypeReference<>() {
    };

    private final DatabaseClient db;
    private final JsonMapper json;

    public SharingStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** A consent: what the citizen agreed to share with an agency. */
    public record Consent(String id, String citizenRef, String agencyId, String kind, List<CredentialQuery> scope,
            Map<String, String> purpose, String requestId, Instant grantedAt, Instant expiresAt, Instant revokedAt) {

        public boolean activeAt(Instant now) {
            return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
        }
    }

    public Mono<Void> insert(PresentationRequest r) {
        var spec = db.sql("insert into presentation_request (id, agency_id, client_id, citizen_ref, query, purpose, nonce,"
                        + " callback_url, status, created_at, expires_at) values (:id, :agency, :client, :citizen, :query,"
                        + " :purpose, :nonce, :callback, 'pending', :created, :expires)")
                .bind("id", r.id()).bind("agency", r.agencyId()).bind("client", r.clientId())
                .bind("query", Json.of(json.writeValueAsString(r.queries())))
                .bind("purpose", Json.of(json.writeValueAsString(r.purpose())))
                .bind("nonce", r.nonce()).bind("created", Sql.utc(r.createdAt())).bind("expires", Sql.utc(r.expiresAt()));
        spec = Sql.bind(spec, "citizen", r.citizenRef(), String.class);
        spec = Sql.bind(spec, "callback", r.callbackUrl(), String.class);
        return spec.fetch().rowsUpdated().then();
    }

    public Mono<PresentationRequest> find(String id) {
        return db.sql("select * from presentation_request where id = :id").bind("id", id).map(this::request).one();
    }

    public Mono<PresentationRequest> lock(String id) {
        return db.sql("select * from presentation_request where id = :id for update").bind("id", id)
                .map(this::request).one();
    }

    /** Binds an open request to the first citizen who opens it; false if another citizen has it. */
    public Mono<Boolean> bind(String id, String citizenRef) {
        return db.sql("update presentation_request set citizen_ref = :citizen where id = :id"
                        + " and (citizen_ref is null or citizen_ref = :citizen)")
                .bind("citizen", citizenRef).bind("id", id).fetch().rowsUpdated().map(n -> n == 1);
    }

    public Mono<Boolean> decide(String id, String status, byte[] presentation, String consentId, String decidedBy,
            Instant now) {
        var spec = db.sql("update presentation_request set status = :status, presentation = :presentation,"
                        + " consent_id = :consent, decided_by = :by, decided_at = :now where id = :id and status = 'pending'")
                .bind("status", status).bind("by", decidedBy).bind("now", Sql.utc(now)).bind("id", id);
        spec = Sql.bind(spec, "presentation", presentation, byte[].class);
        spec = Sql.bind(spec, "consent", consentId, String.class);
        return spec.fetch().rowsUpdated().map(n -> n == 1);
    }

    public Mono<Void> callbackStatus(String id, String outcome) {
        return db.sql("update presentation_request set callback_status = :outcome where id = :id")
                .bind("outcome", outcome).bind("id", id).fetch().rowsUpdated().then();
    }

    public Flux<PresentationRequest> pendingFor(String citizenRef, Instant now) {
        return db.sql("select * from presentation_request where citizen_ref = :citizen and status = 'pending'"
                        + " and expires_at > :now order by created_at desc limit 100")
                .bind("citizen", citizenRef).bind("now", Sql.utc(now)).map(this::request).all();
    }

    public Mono<Void> insert(Consent c) {
        var spec = db.sql("insert into consent (id, citizen_ref, agency_id, kind, scope, purpose, request_id, granted_at,"
                        + " expires_at) values (:id, :citizen, :agency, :kind, :scope, :purpose, :request, :granted, :expires)")
                .bind("id", c.id()).bind("citizen", c.citizenRef()).bind("agency", c.agencyId()).bind("kind", c.kind())
                .bind("scope", Json.of(json.writeValueAsString(c.scope())))
                .bind("purpose", Json.of(json.writeValueAsString(c.purpose())))
                .bind("granted", Sql.utc(c.grantedAt()));
        spec = Sql.bind(spec, "request", c.requestId(), String.class);
        spec = Sql.bind(spec, "expires", c.expiresAt() == null ? null : Sql.utc(c.expiresAt()), java.time.OffsetDateTime.class);
        return spec.fetch().rowsUpdated().then();
    }

    public Flux<Consent> consentsOf(String citizenRef) {
        return db.sql("select * from consent where citizen_ref = :citizen order by granted_at desc, id limit 200")
                .bind("citizen", citizenRef).map(this::consent).all();
    }

    /** Standing consents the citizen gave this agency that are still in force. */
    public Flux<Consent> standing(String citizenRef, String agencyId, Instant now) {
        return db.sql("select * from consent where citizen_ref = :citizen and agency_id = :agency and kind = 'standing'"
                        + " and revoked_at is null and (expires_at is null or expires_at > :now)")
                .bind("citizen", citizenRef).bind("agency", agencyId).bind("now", Sql.utc(now)).map(this::consent).all();
    }

    public Mono<Boolean> revokeConsent(String id, String citizenRef, Instant now) {
        return db.sql("update consent set revoked_at = :now where id = :id and citizen_ref = :citizen"
                        + " and revoked_at is null")
                .bind("now", Sql.utc(now)).bind("id", id).bind("citizen", citizenRef)
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    public Mono<Consent> consent(String id) {
        return db.sql("select * from consent where id = :id").bind("id", id).map(this::consent).one();
    }

    private PresentationRequest request(Readable row) {
        return new PresentationRequest(row.get("id", String.class), row.get("agency_id", String.class),
                row.get("client_id", String.class), row.get("citizen_ref", String.class),
                json.readValue(Sql.json(row.get("query")), QUERIES), json.readValue(Sql.json(row.get("purpose")), TEXTS),
                row.get("nonce", String.class), row.get("callback_url", String.class), row.get("status", String.class),
                row.get("presentation", byte[].class), row.get("consent_id", String.class),
                row.get("decided_by", String.class), Sql.instant(row, "created_at"), Sql.instant(row, "expires_at"),
                Sql.instant(row, "decided_at"));
    }

    private Consent consent(Readable row) {
        return new Consent(row.get("id", String.class), row.get("citizen_ref", String.class),
                row.get("agency_id", String.class), row.get("kind", String.class),
                json.readValue(Sql.json(row.get("scope")), QUERIES), json.readValue(Sql.json(row.get("purpose")), TEXTS),
                row.get("request_id", String.class), Sql.instant(row, "granted_at"), Sql.instant(row, "expires_at"),
                Sql.instant(row, "revoked_at"));
    }
}
