package org.civicstack.certificates.issuance;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.nimbusds.jose.jwk.ECKey;
import org.civicstack.certificates.CertificatesProperties;
import org.civicstack.certificates.accesslog.AccessLog;
import org.civicstack.certificates.citizen.CitizenDirectory;
import org.civicstack.certificates.common.Body;
import org.civicstack.certificates.keys.PayloadCipher;
import org.civicstack.certificates.sdjwt.CredentialRequest;
import org.civicstack.certificates.sdjwt.SdJwtVcIssuer;
import org.civicstack.certificates.status.StatusLists;
import org.civicstack.certificates.statuslist.StatusReference;
import org.civicstack.certificates.statuslist.TokenStatus;
import org.civicstack.certificates.types.ClaimDefinition;
import org.civicstack.certificates.types.CredentialType;
import org.civicstack.certificates.types.CredentialTypeStore;
import org.civicstack.certificates.wallet.WalletKeys;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.idempotency.IdempotencyKeys;
import org.civicstack.platform.security.PlatformCaller;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issuing, re-issuing and changing the status of credentials. An issuance, in one transaction: the Idempotency-Key
 * row, the citizen's wallet key, a status list slot, the SD-JWT VC signed and sealed, the citizen's earlier
 * credential of the type superseded (its status list entry INVALID), and the access log entries. The answer names
 * the credential and carries no claim values, so it can be stored for replays.
 */
@Component
public class Issuance {

    static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    static final Pattern RESIDENT_ID_NUMBER = Pattern.compile("[0-9]{17}[0-9Xx]");
    static final Pattern REASON = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    static final Set<String> ISSUE_FIELDS = Set.of("type", "subject", "resident_id_number", "claims", "valid_until");
    private static final Set<String> REISSUE_FIELDS = Set.of("claims", "valid_until");
    private static final int SLOT_ATTEMPTS = 6;

    private final CredentialTypeStore types;
    private final CredentialStore credentials;
    private final StatusLists statusLists;
    private final WalletKeys wallets;
    private final SdJwtVcIssuer issuer;
    private final PayloadCipher cipher;
    private final AccessLog accessLog;
    private final IdempotencyKeys idempotency;
    private final CitizenDirectory citizens;
    private final TransactionalOperator tx;
    private final CertificatesProperties properties;
    private final JsonMapper json;
    private final Clock clock;

    public Issuance(CredentialTypeStore types, CredentialStore credentials, StatusLists statusLists, WalletKeys wallets,
            SdJwtVcIssuer issuer, PayloadCipher cipher, AccessLog accessLog, IdempotencyKeys idempotency,
            CitizenDirectory citizens, TransactionalOperator tx, CertificatesProperties properties, JsonMapper json,
            Clock clock) {
        this.types = types;
        this.credentials = credentials;
        this.statusLists = statusLists;
        this.wallets = wallets;
        this.issuer = issuer;
        this.cipher = cipher;
        this.accessLog = accessLog;
        this.idempotency = idempotency;
        this.citizens = citizens;
        this.tx = tx;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    /** {@code POST /v1/certificates/credentials}. */
    public Mono<ResponseEntity<String>> issue(PlatformCaller caller, String idempotencyKey, JsonNode body) {
        String agency = caller.requireAgency();
        String key = IdempotencyKeys.requireKey(idempotencyKey);
        Body read = Body.reading();
        if (!read.object(body, "", ISSUE_FIELDS)) {
            read.check();
        }
        ItemHeader item = header(body, "", read);
        read.check();
        String typeId = item.typeId();
        String subject = item.name().subject();
        String residentId = item.name().residentIdNumber();
        boolean hasSubject = subject != null;
        return owned(typeId, agency).flatMap(type -> {
            Map<String, Object> values = ClaimValues.read(body.get("claims"), type, read);
            Instant expires = expiry(body, type, read, "valid_until");
            read.check();
            Mono<String> citizen = hasSubject ? citizens.bySubject(agency, subject)
                    .switchIfEmpty(Mono.error(ApiProblem.unprocessable("unknown_subject",
                            "Identity gave agency " + agency + " no such subject.")))
                    : citizens.byResidentIdNumber(residentId)
                    .switchIfEmpty(Mono.error(ApiProblem.unprocessable("unknown_citizen",
                            "No citizen account is verified (assurance level 2 or more) with that resident ID number.")));
            byte[] hash = idempotency.hash("issue_credential", agency, body);
            return citizen.flatMap(citizenRef -> once(agency, key, "issue_credential", hash,
                    () -> create(type, citizenRef, values, expires, caller, null).map(this::created)));
        });
    }

    /** {@code POST /v1/certificates/credentials/{id}/reissue}: new claims or validity; the old one is superseded. */
    public Mono<ResponseEntity<String>> reissue(PlatformCaller caller, String id, String idempotencyKey, JsonNode body) {
        String agency = caller.requireAgency();
        String key = IdempotencyKeys.requireKey(idempotencyKey);
        Body read = Body.reading();
        if (!read.object(body, "", REISSUE_FIELDS)) {
            read.check();
        }
        return ownedCredential(id, agency).flatMap(old -> owned(old.typeId(), agency).flatMap(type -> {
            Map<String, Object> values = ClaimValues.read(body.get("claims"), type, read);
            Instant expires = expiry(body, type, read, "valid_until");
            read.check();
            byte[] hash = idempotency.hash("reissue_credential", id, body);
            return once(agency, key, "reissue_credential", hash, () -> {
                if ("revoked".equals(old.status()) || "superseded".equals(old.status())) {
                    return Mono.error(ApiProblem.conflict("credential_ended",
                            "Credential " + id + " is " + old.status() + "; issue a new one instead."));
                }
                return create(type, old.citizenRef(), values, expires, caller, id).map(this::created);
            });
        }));
    }

    /** The type and the citizen an issuance names (the single form's body, or one item of a batch). */
    record ItemHeader(String typeId, CitizenDirectory.CitizenName name) {
    }

    /**
     * Reads {@code type} and exactly one of {@code subject} and {@code resident_id_number} (upper-cased) from an
     * issuance object at {@code path}; violations go to {@code read}.
     */
    static ItemHeader header(JsonNode item, String path, Body read) {
        String typeId = read.string(item, path, "type", true, null, null);
        String subject = read.string(item, path, "subject", false, SUBJECT, "is not a subject identity gives out");
        String residentId = read.string(item, path, "resident_id_number", false, RESIDENT_ID_NUMBER,
                "18 characters: 17 digits and a check digit or X");
        if (item.hasNonNull("subject") == item.hasNonNull("resident_id_number")) {
            read.violation(Body.join(path, "subject"), "one_of_required",
                    "name the citizen by exactly one of subject (your pairwise subject) and resident_id_number");
        }
        return new ItemHeader(typeId, new CitizenDirectory.CitizenName(subject,
                residentId == null ? null : residentId.toUpperCase(java.util.Locale.ROOT)));
    }

    /** What an issuing call answers: the JSON view, and where the one credential it made lives (null for a batch). */
    record Created(Object view, String location) {
    }

    private Created created(Credential credential) {
        return new Created(view(credential), "/v1/certificates/credentials/" + credential.id());
    }

    /**
     * Runs {@code work} once per (agency, Idempotency-Key), in one transaction with the key's row: a replay answers
     * what the first call answered; the answer is stored as it was sent. A transaction PostgreSQL ends for a deadlock
     * is run again (twice at most).
     */
    Mono<ResponseEntity<String>> once(String agency, String key, String operation, byte[] hash,
            java.util.function.Supplier<Mono<Created>> work) {
        Instant now = clock.instant();
        String scope = "agency:" + agency;
        return idempotency.claim(scope, key, operation, hash, now, properties.idempotencyRetention())
                .flatMap(claim -> {
                    if (claim instanceof IdempotencyKeys.Replay replay) {
                        return Mono.just(ResponseEntity.status(replay.status()).contentType(MediaType.APPLICATION_JSON)
                                .header("Idempotent-Replayed", "true").body(replay.body()));
                    }
                    return work.get().flatMap(created -> {
                        String answer = json.writeValueAsString(created.view());
                        var response = ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON);
                        if (created.location() != null) {
                            response = response.header("Location", created.location());
                        }
                        return idempotency.complete(scope, key, 201, answer).thenReturn(response.body(answer));
                    });
                })
                .as(tx::transactional)
                // a deadlock PostgreSQL broke rolled everything back, the key's row too: the whole call runs again
                .retryWhen(reactor.util.retry.Retry.max(2).filter(org.civicstack.platform.api.Sql::transientConflict));
    }

    /** Signs, seals and stores a new credential, superseding the citizen's current one(s) of the type. */
    private Mono<Credential> create(CredentialType type, String citizenRef, Map<String, Object> values, Instant expires,
            PlatformCaller caller, String reissueOf) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String id = Ids.newId("crd");
        return credentials.lockCurrent(citizenRef, type.id()).collectList()
                .flatMap(current -> wallets.keyOf(citizenRef)
                        .flatMap(holder -> place(id, type, citizenRef, values, now, expires, holder, reissueOf, 0))
                        .flatMap(created -> Flux.fromIterable(current)
                                .concatMap(old -> supersede(old, created, caller, now))
                                .then(accessLog.record(created.id(), citizenRef, reissueOf != null || !current.isEmpty()
                                                ? "reissued" : "issued", type.issuerAgencyId(), caller.clientId(),
                                        type.claims().stream().map(ClaimDefinition::name).filter(values::containsKey).toList(),
                                        null, null, null, now))
                                .thenReturn(created)));
    }

    Mono<Credential> place(String id, CredentialType type, String citizenRef, Map<String, Object> values,
            Instant now, Instant expires, ECKey holder, String supersedes, int attempt) {
        return statusLists.candidate().flatMap(slot -> {
            Credential credential = sign(id, type, citizenRef, values, now, expires, holder, slot, supersedes);
            return credentials.insert(credential).flatMap(inserted -> {
                if (inserted) {
                    return Mono.just(credential);
                }
                if (attempt + 1 >= SLOT_ATTEMPTS) {
                    return statusLists.closeList(credential.statusListId())
                            .then(place(id, type, citizenRef, values, now, expires, holder, supersedes, 0));
                }
                return place(id, type, citizenRef, values, now, expires, holder, supersedes, attempt + 1);
            });
        });
    }

    Credential sign(String id, CredentialType type, String citizenRef, Map<String, Object> values, Instant now,
            Instant expires, ECKey holder, StatusReference slot, String supersedes) {
        CredentialRequest.Builder request = CredentialRequest.builder()
                .issuer(issuerUri(type.issuerAgencyId()))
                .type(type.vct(properties.base()))
                .issuedAt(now)
                .expiresAt(expires)
                .holderKey(holder.isPrivate() ? holder.toPublicJWK() : holder)
                .status(slot);
        for (ClaimDefinition claim : type.claims()) {
            Object value = values.get(claim.name());
            if (value != null) {
                if (claim.disclosable()) {
                    request.disclosable(claim.name(), value);
                } else {
                    request.visible(claim.name(), value);
                }
            }
        }
        String serialized = issuer.issue(request.build()).serialized();
        byte[] sealed = cipher.encrypt(serialized.getBytes(StandardCharsets.UTF_8),
                Credential.associatedData(id, citizenRef));
        return new Credential(id, type.id(), type.issuerAgencyId(), citizenRef, "valid",
                statusLists.listId(slot.uri()), slot.index(), now, expires, supersedes, null, null, sealed, 1, now);
    }

    Mono<Void> supersede(Credential old, Credential by, PlatformCaller caller, Instant now) {
        return credentials.changeStatus(old, "superseded", null, by.id(), now)
                .then(statusLists.set(old.statusListId(), old.statusIndex(), TokenStatus.INVALID))
                .then(accessLog.record(old.id(), old.citizenRef(), "superseded", old.issuerAgencyId(),
                        caller.clientId(), null, null, null, null, now));
    }

    /** {@code POST /v1/certificates/credentials/{id}/{suspend|reinstate|revoke}}. Repeating a done change is a no-op. */
    public Mono<Map<String, Object>> changeStatus(PlatformCaller caller, String id, String action, JsonNode body) {
        String agency = caller.requireAgency();
        Body read = Body.reading();
        String reason = null;
        if (body != null && !body.isNull() && !(body.isObject() && body.isEmpty())) {
            if (read.object(body, "", Set.of("reason"))) {
                reason = read.string(body, "", "reason", false, REASON,
                        "a reason code: a lowercase letter, then lowercase letters, digits or _ (no personal data)");
            }
        }
        read.check();
        String why = reason;
        Instant now = clock.instant();
        return credentials.lock(id)
                .switchIfEmpty(Mono.error(ApiProblem.notFound("unknown_credential", "No credential " + id + ".")))
                .flatMap(c -> {
                    if (!c.issuerAgencyId().equals(agency)) {
                        return Mono.error(new ApiProblem(403, "not_the_issuer", "Forbidden",
                                "Only the issuing agency changes a credential's status."));
                    }
                    String target = switch (action) {
                        case "suspend" -> "suspended";
                        case "reinstate" -> "valid";
                        case "revoke" -> "revoked";
                        default -> throw ApiProblem.notFound("unknown_action", "No such action " + action + ".");
                    };
                    if (c.status().equals(target)) {
                        return Mono.just(view(c));
                    }
                    boolean legal = switch (target) {
                        case "suspended" -> "valid".equals(c.status());
                        case "valid" -> "suspended".equals(c.status());
                        case "revoked" -> "valid".equals(c.status()) || "suspended".equals(c.status());
                        default -> false;
                    };
                    if (!legal) {
                        return Mono.error(ApiProblem.conflict("illegal_transition",
                                "Credential " + id + " is " + c.status() + "; it cannot be " + action + "d."));
                    }
                    TokenStatus entry = switch (target) {
                        case "suspended" -> TokenStatus.SUSPENDED;
                        case "revoked" -> TokenStatus.INVALID;
                        default -> TokenStatus.VALID;
                    };
                    String kind = switch (target) {
                        case "suspended" -> "suspended";
                        case "revoked" -> "revoked";
                        default -> "reinstated";
                    };
                    return credentials.changeStatus(c, target, why, null, now)
                            .then(statusLists.set(c.statusListId(), c.statusIndex(), entry))
                            .then(accessLog.record(c.id(), c.citizenRef(), kind, agency, caller.clientId(), null, null,
                                    null, null, now))
                            .then(credentials.find(id)).map(this::view);
                })
                .as(tx::transactional);
    }

    public Mono<Credential> ownedCredential(String id, String agency) {
        return credentials.find(id)
                .switchIfEmpty(Mono.error(ApiProblem.notFound("unknown_credential", "No credential " + id + ".")))
                .flatMap(c -> c.issuerAgencyId().equals(agency) ? Mono.just(c)
                        : Mono.error(ApiProblem.notFound("unknown_credential", "No credential " + id + ".")));
    }

    Mono<CredentialType> owned(String typeId, String agency) {
        return types.find(typeId)
                .switchIfEmpty(Mono.error(ApiProblem.unprocessable("unknown_type", "No credential type " + typeId + ".")))
                .flatMap(type -> {
                    if (!type.issuerAgencyId().equals(agency)) {
                        return Mono.error(new ApiProblem(403, "not_the_issuer", "Forbidden",
                                "Type " + typeId + " is issued by another agency."));
                    }
                    if (!type.active()) {
                        return Mono.error(ApiProblem.unprocessable("type_retired", "Type " + typeId + " is retired."));
                    }
                    return Mono.just(type);
                });
    }

    /** The item's {@code valid_until} ({@code field} names it in violations), or the type's longest validity. */
    Instant expiry(JsonNode body, CredentialType type, Body read, String field) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant longest = now.plus(Duration.ofDays(type.validityDays()));
        JsonNode value = body.get("valid_until");
        if (value == null || value.isNull()) {
            return longest;
        }
        try {
            Instant until = Instant.parse(value.isString() ? value.stringValue() : "").truncatedTo(ChronoUnit.SECONDS);
            if (!until.isAfter(now.plusSeconds(60)) || until.isAfter(longest)) {
                read.violation(field, "out_of_range", "must be in the future and at most "
                        + type.validityDays() + " days from now (the type's validity)");
                return null;
            }
            return until;
        } catch (DateTimeParseException e) {
            read.violation(field, "invalid_format", "an RFC 3339 instant, e.g. 2027-01-31T00:00:00Z");
            return null;
        }
    }

    public String issuerUri(String agencyId) {
        return properties.base() + "/v1/certificates/issuers/" + agencyId;
    }

    /** What issuers see of a credential: never its claim values. */
    public Map<String, Object> view(Credential c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("type", c.typeId());
        out.put("vct", properties.base() + "/v1/certificates/types/" + c.typeId());
        out.put("issuer", issuerUri(c.issuerAgencyId()));
        out.put("status", c.status());
        out.put("status_reason", c.statusReason());
        out.put("issued_at", c.issuedAt());
        out.put("expires_at", c.expiresAt());
        out.put("status_list", Map.of("uri", statusLists.uri(c.statusListId()).toString(), "idx", c.statusIndex()));
        out.put("supersedes", c.supersedes());
        out.put("superseded_by", c.supersededBy());
        return out;
    }

    /** The SD-JWT VC as issued (every disclosure), opened from its sealed payload. */
    public String serialized(Credential c) {
        return new String(cipher.decrypt(c.payload(), c.associatedData()), StandardCharsets.UTF_8);
    }

}
