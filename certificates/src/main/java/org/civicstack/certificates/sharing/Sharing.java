package org.civicstack.certificates.sharing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.civicstack.certificates.CertificatesProperties;
import org.civicstack.certificates.accesslog.AccessLog;
import org.civicstack.certificates.citizen.CitizenDirectory;
import org.civicstack.certificates.common.Body;
import org.civicstack.certificates.issuance.Credential;
import org.civicstack.certificates.issuance.CredentialStore;
import org.civicstack.certificates.keys.PayloadCipher;
import org.civicstack.certificates.types.ClaimDefinition;
import org.civicstack.certificates.types.CredentialType;
import org.civicstack.certificates.types.CredentialTypeStore;
import org.civicstack.certificates.wallet.HolderPresentations;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.platform.net.GuardedAddressResolverGroup;
import org.civicstack.platform.net.UnsafeUpstreamException;
import org.civicstack.platform.net.UpstreamAddressGuard;
import org.civicstack.platform.net.UpstreamUrlCheck;
import org.civicstack.platform.security.PlatformCaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consent-based sharing ("choose, don't fill"), OpenID4VP-shaped for a server wallet: an agency asks with a DCQL query,
 * a nonce of ours and itself as audience; the citizen sees what is asked and by whom, picks credentials and approves
 * or declines; on approval the platform (holding the citizen's wallet key) makes one SD-JWT presentation per query
 * with only the asked-for disclosures and a key-binding JWT over the nonce and the agency. A standing consent the
 * citizen granted lets later requests of that agency for the same (or fewer) claims be answered without asking.
 */
@Component
public class Sharing {

    private static final Logger log = LoggerFactory.getLogger(Sharing.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern QUERY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Set<String> FIELDS = Set.of("subject", "purpose", "dcql_query", "callback_url", "expires_in");
    private static final TypeReference<Map<String, String>> VP_TOKEN = new TypeReference<>() {
    };

    private final SharingStore store;
    private final CredentialTypeStore types;
    private final CredentialStore credentials;
    private final HolderPresentations presentations;
    private final PayloadCipher cipher;
    private final AccessLog accessLog;
    private final CitizenDirectory citizens;
    private final UpstreamUrlCheck urls;
    private final TransactionalOperator tx;
    private final CertificatesProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private final WebClient callbacks;
    private final org.civicstack.certificates.citizen.AgencyNames agencyNames;

    public Sharing(SharingStore store, CredentialTypeStore types, CredentialStore credentials,
            HolderPresentations presentations, PayloadCipher cipher, AccessLog accessLog, CitizenDirectory citizens,
            UpstreamUrlCheck urls, UpstreamAddressGuard guard, WebClient.Builder webClients, TransactionalOperator tx,
            CertificatesProperties properties, JsonMapper json, Clock clock,
            org.civicstack.certificates.citizen.AgencyNames agencyNames) {
        this.agencyNames = agencyNames;
        this.store = store;
        this.types = types;
        this.credentials = credentials;
        this.presentations = presentations;
        this.cipher = cipher;
        this.accessLog = accessLog;
        this.citizens = citizens;
        this.urls = urls;
        this.tx = tx;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        // callbacks connect only to addresses the SSRF policy allows, checked again at connect time (DNS rebinding)
        this.callbacks = webClients.clone().clientConnector(new ReactorClientHttpConnector(HttpClient.create()
                .resolver(new GuardedAddressResolverGroup(guard, Set.of())))).build();
    }

    // ---- agencies ----

    /** {@code POST /v1/certificates/presentation-requests}. */
    public Mono<PresentationRequest> create(PlatformCaller caller, JsonNode body) {
        String agency = caller.requireAgency();
        Body read = Body.reading();
        if (!read.object(body, "", FIELDS)) {
            read.check();
        }
        String subject = read.string(body, "", "subject", false, SUBJECT, "is not a subject identity gives out");
        Map<String, String> purpose = read.localized(body, "", "purpose", true, 500);
        String callback = read.string(body, "", "callback_url", false, null, null);
        Integer expiresIn = read.integer(body, "", "expires_in", false, 30, (int) properties.maxRequestTtl().toSeconds());
        List<Raw> raw = queries(body.get("dcql_query"), read);
        read.check();
        return Flux.fromIterable(raw).concatMap(q -> types.find(q.type())
                        .switchIfEmpty(Mono.error(ApiProblem.validation(List.of(new FieldViolation(q.path() + ".meta.vct_values",
                                "unknown_type", "no credential type " + q.type())))))
                        .map(type -> {
                            List<FieldViolation> unknown = new ArrayList<>();
                            for (int i = 0; i < q.claims().size(); i++) {
                                if (type.claim(q.claims().get(i)).isEmpty()) {
                                    unknown.add(new FieldViolation(q.path() + ".claims[" + i + "].path", "unknown_claim",
                                            "type " + type.id() + " has no claim " + q.claims().get(i)));
                                }
                            }
                            if (!unknown.isEmpty()) {
                                throw ApiProblem.validation(unknown);
                            }
                            return new CredentialQuery(q.id(), type.id(), q.claims());
                        }))
                .collectList()
                .flatMap(queries -> callbackUrl(callback).flatMap(url -> citizen(agency, subject).map(java.util.Optional::of)
                        .defaultIfEmpty(java.util.Optional.empty())
                        .flatMap(citizenRef -> {
                            Instant now = clock.instant();
                            Duration ttl = expiresIn == null ? properties.requestTtl() : Duration.ofSeconds(expiresIn);
                            PresentationRequest request = new PresentationRequest(Ids.newId("prq"), agency,
                                    caller.clientId(), citizenRef.orElse(null), queries, purpose, nonce(),
                                    url.isEmpty() ? null : url, "pending", null, null, null, now, now.plus(ttl), null);
                            return store.insert(request)
                                    .then(citizenRef.isPresent() ? answerFromStandingConsent(request) : Mono.empty())
                                    .then(store.find(request.id()));
                        })));
    }

    /** The agency's view of its own request; the {@code vp_token} once approved. */
    public Mono<Map<String, Object>> agencyView(PlatformCaller caller, String id) {
        return store.find(id)
                .filter(r -> r.agencyId().equals(caller.requireAgency()))
                .switchIfEmpty(Mono.error(ApiProblem.notFound("unknown_request", "No presentation request " + id + ".")))
                .map(this::agencyView);
    }

    public Map<String, Object> agencyView(PresentationRequest r) {
        Instant now = clock.instant();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("status", r.statusAt(now));
        out.put("nonce", r.nonce());
        out.put("audience", r.agencyId());
        out.put("purpose", r.purpose());
        out.put("dcql_query", dcql(r.queries()));
        out.put("addressed", r.citizenRef() != null);
        out.put("request_uri", properties.base() + "/v1/certificates/me/presentation-requests/" + r.id());
        out.put("callback_url", r.callbackUrl());
        out.put("created_at", r.createdAt());
        out.put("expires_at", r.expiresAt());
        out.put("decided_at", r.decidedAt());
        out.put("decided_by", r.decidedBy());
        out.put("consent_id", r.consentId());
        if ("approved".equals(r.status()) && r.presentation() != null) {
            out.put("vp_token", json.readValue(cipher.decrypt(r.presentation(), PresentationRequest.associatedData(r.id())),
                    VP_TOKEN));
        }
        return out;
    }

    // ---- citizens ----

    /** A citizen opens a request: an open one becomes theirs; what is asked, in their language, with their matches. */
    public Mono<Map<String, Object>> citizenView(String citizenRef, String id, String language) {
        // the citizen's credentials once, matched to every query in memory
        return mine(citizenRef, id).flatMap(r -> credentials.ofCitizen(citizenRef, false).collectList()
                .flatMapMany(held -> Flux.fromIterable(r.queries()).concatMap(q -> types.find(q.type())
                        .map(type -> {
                                    List<Map<String, Object>> matches = held.stream()
                                            .filter(c -> c.typeId().equals(type.id()) && c.usable())
                                            .map(c -> Map.<String, Object>of("id", c.id(), "issued_at", c.issuedAt(),
                                                    "expires_at", c.expiresAt()))
                                            .toList();
                                    Map<String, Object> asked = new LinkedHashMap<>();
                                    asked.put("id", q.id());
                                    asked.put("type", type.id());
                                    asked.put("type_name", type.name().get(language));
                                    asked.put("claims", q.claims().stream().map(name -> Map.of("name", name,
                                            "label", type.claim(name).map(c -> c.displayName(language)).orElse(name)))
                                            .toList());
                                    asked.put("also_visible", type.claims().stream()
                                            .filter(c -> !c.disclosable() && !q.claims().contains(c.name()))
                                            .map(c -> Map.of("name", c.name(), "label", c.displayName(language))).toList());
                                    asked.put("matching_credentials", matches);
                                    return asked;
                                })))
                .collectList()
                .zipWith(agencyNames.of(r.agencyId()).defaultIfEmpty(Map.of()))
                .map(found -> {
                    List<Map<String, Object>> asked = found.getT1();
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("id", r.id());
                    out.put("status", r.statusAt(clock.instant()));
                    out.put("agency_id", r.agencyId());
                    // who asks, by the name the registry holds for the agency (the id when the registry cannot say)
                    out.put("agency_name", found.getT2().getOrDefault(language, r.agencyId()));
                    out.put("purpose", r.purpose().get(language));
                    out.put("credentials", asked);
                    out.put("expires_at", r.expiresAt());
                    out.put("decided_at", r.decidedAt());
                    out.put("consent_id", r.consentId());
                    return out;
                }));
    }

    public Flux<PresentationRequest> pending(String citizenRef) {
        return store.pendingFor(citizenRef, clock.instant());
    }

    /** The citizen approves, choosing one credential per query; optionally a standing consent until a time. */
    public Mono<Map<String, Object>> approve(PlatformCaller caller, String id, JsonNode body, String language) {
        String citizenRef = caller.requireCitizen();
        Body read = Body.reading();
        if (!read.object(body, "", Set.of("credentials", "standing_until"))) {
            read.check();
        }
        JsonNode chosen = body.get("credentials");
        if (chosen == null || !chosen.isObject() || chosen.isEmpty()) {
            read.violation("credentials", "required", "choose one credential per requested query: {\"<query id>\": \"crd_…\"}");
        }
        Instant now = clock.instant();
        Instant standingUntil = null;
        JsonNode standing = body.get("standing_until");
        if (standing != null && !standing.isNull()) {
            try {
                standingUntil = Instant.parse(standing.isString() ? standing.stringValue() : "");
                if (!standingUntil.isAfter(now) || standingUntil.isAfter(now.plus(properties.maxStandingConsent()))) {
                    read.violation("standing_until", "out_of_range", "must be in the future, at most "
                            + properties.maxStandingConsent().toDays() + " days away");
                }
            } catch (DateTimeParseException e) {
                read.violation("standing_until", "invalid_format", "an RFC 3339 instant");
            }
        }
        read.check();
        Instant until = standingUntil;
        return mine(citizenRef, id).flatMap(unlocked -> store.lock(id).flatMap(r -> {
            if (!"pending".equals(r.statusAt(now))) {
                return Mono.error(ApiProblem.conflict("request_" + r.statusAt(now),
                        "This request is " + r.statusAt(now) + "; nothing was shared."));
            }
            Body picks = Body.reading();
            Set<String> named = new HashSet<>(chosen.propertyNames());
            for (CredentialQuery q : r.queries()) {
                if (!chosen.hasNonNull(q.id()) || !chosen.get(q.id()).isString()) {
                    picks.violation("credentials." + q.id(), "required", "choose a credential for " + q.id());
                }
                named.remove(q.id());
            }
            named.forEach(extra -> picks.violation("credentials." + extra, "unknown_query", "the request has no such query"));
            picks.check();
            return Flux.fromIterable(r.queries()).concatMap(q -> credentials.find(chosen.get(q.id()).stringValue())
                            .filter(c -> c.citizenRef().equals(citizenRef))
                            .switchIfEmpty(Mono.error(ApiProblem.unprocessable("unknown_credential",
                                    "You hold no credential " + chosen.get(q.id()).stringValue() + ".")))
                            .flatMap(c -> check(c, q, now).then(types.find(c.typeId()))
                                    .flatMap(type -> presentations.present(c, disclose(type, q), r.agencyId(), r.nonce())
                                            .map(p -> new Shared(q, c, p)))))
                    .collectList()
                    .flatMap(shared -> decide(r, shared, until, "citizen", null, now));
        }).as(tx::transactional)).flatMap(r -> notifyAgency(r).thenReturn(r))
                .flatMap(r -> citizenView(citizenRef, r.id(), language));
    }

    public Mono<Map<String, Object>> decline(PlatformCaller caller, String id, String language) {
        String citizenRef = caller.requireCitizen();
        Instant now = clock.instant();
        return mine(citizenRef, id).flatMap(r -> {
            if (!"pending".equals(r.statusAt(now))) {
                return Mono.error(ApiProblem.conflict("request_" + r.statusAt(now), "This request is " + r.statusAt(now) + "."));
            }
            return store.decide(id, "declined", null, null, "citizen", now)
                    .flatMap(ok -> ok ? store.find(id) : Mono.error(ApiProblem.conflict("request_decided",
                            "This request was decided meanwhile.")));
        }).flatMap(r -> notifyAgency(r).thenReturn(r)).flatMap(r -> citizenView(citizenRef, r.id(), language));
    }

    // ---- inside ----

    private record Shared(CredentialQuery query, Credential credential, String presentation) {
    }

    private record Raw(String path, String id, String type, List<String> claims) {
    }

    private Mono<PresentationRequest> decide(PresentationRequest r, List<Shared> shared, Instant standingUntil,
            String decidedBy, String existingConsent, Instant now) {
        Map<String, String> vpToken = new LinkedHashMap<>();
        shared.forEach(s -> vpToken.put(s.query().id(), s.presentation()));
        byte[] sealed = cipher.encrypt(json.writeValueAsBytes(vpToken), PresentationRequest.associatedData(r.id()));
        String consentId = existingConsent != null ? existingConsent : Ids.newId("cns");
        Mono<Void> consent = existingConsent != null ? Mono.empty()
                : store.insert(new SharingStore.Consent(consentId, r.citizenRef(), r.agencyId(),
                        standingUntil != null ? "standing" : "once", r.queries(), r.purpose(), r.id(), now,
                        standingUntil, null));
        return consent
                .then(store.decide(r.id(), "approved", sealed, consentId, decidedBy, now))
                .flatMap(ok -> ok ? Mono.empty() : Mono.error(ApiProblem.conflict("request_decided",
                        "This request was decided meanwhile.")))
                .thenMany(Flux.fromIterable(shared).concatMap(s -> accessLog.record(s.credential().id(),
                        r.citizenRef(), "shared", r.agencyId(), r.clientId(), s.query().claims(), r.purpose(), consentId,
                        r.id(), now)))
                .then(store.find(r.id()));
    }

    /** Answers a request addressed to a citizen from a standing consent covering all of it, if there is one. */
    private Mono<Void> answerFromStandingConsent(PresentationRequest r) {
        Instant now = clock.instant();
        return store.standing(r.citizenRef(), r.agencyId(), now)
                .filter(consent -> covers(consent, r.queries()))
                .next()
                .flatMap(consent -> Flux.fromIterable(r.queries())
                        .concatMap(q -> credentials.ofCitizen(r.citizenRef(), false)
                                .filter(c -> c.typeId().equals(q.type()) && c.usable() && now.isBefore(c.expiresAt()))
                                .next()
                                .flatMap(c -> types.find(c.typeId()).flatMap(type -> presentations
                                        .present(c, disclose(type, q), r.agencyId(), r.nonce())
                                        .map(p -> new Shared(q, c, p)))))
                        .collectList()
                        .filter(shared -> shared.size() == r.queries().size())
                        .flatMap(shared -> decide(r, shared, null, "standing_consent", consent.id(), now)
                                .flatMap(decided -> notifyAgency(decided))))
                .then();
    }

    private static boolean covers(SharingStore.Consent consent, List<CredentialQuery> queries) {
        return queries.stream().allMatch(q -> consent.scope().stream()
                .anyMatch(s -> s.type().equals(q.type()) && s.claims().containsAll(q.claims())));
    }

    private Mono<Void> check(Credential c, CredentialQuery q, Instant now) {
        if (!c.typeId().equals(q.type())) {
            return Mono.error(ApiProblem.unprocessable("wrong_credential_type",
                    q.id() + " asks for a " + q.type() + ", not a " + c.typeId() + "."));
        }
        if (!c.usable()) {
            return Mono.error(ApiProblem.unprocessable("credential_" + c.status(), "Credential " + c.id() + " is "
                    + c.status() + " and cannot be shared."));
        }
        if (!now.isBefore(c.expiresAt())) {
            return Mono.error(ApiProblem.unprocessable("credential_expired", "Credential " + c.id() + " has expired."));
        }
        return Mono.empty();
    }

    /** The disclosures to include: the asked-for claims that are disclosable (the others are visible anyway). */
    private static Set<String> disclose(CredentialType type, CredentialQuery q) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : q.claims()) {
            type.claim(name).filter(ClaimDefinition::disclosable).ifPresent(c -> names.add(c.name()));
        }
        return names;
    }

    private Mono<PresentationRequest> mine(String citizenRef, String id) {
        return store.find(id)
                .switchIfEmpty(Mono.error(ApiProblem.notFound("unknown_request", "No presentation request " + id + ".")))
                .flatMap(r -> {
                    if (citizenRef.equals(r.citizenRef())) {
                        return Mono.just(r);
                    }
                    if (r.citizenRef() != null) {
                        return Mono.error(ApiProblem.notFound("unknown_request", "No presentation request " + id + "."));
                    }
                    return store.bind(id, citizenRef).flatMap(bound -> bound ? store.find(id)
                            : Mono.error(ApiProblem.notFound("unknown_request", "No presentation request " + id + ".")));
                });
    }

    private Mono<String> citizen(String agency, String subject) {
        if (subject == null) {
            return Mono.empty();
        }
        return citizens.bySubject(agency, subject).switchIfEmpty(Mono.error(ApiProblem.unprocessable("unknown_subject",
                "Identity gave agency " + agency + " no such subject.")));
    }

    private Mono<String> callbackUrl(String callback) {
        if (callback == null) {
            return Mono.just("");
        }
        return urls.check(callback).map(Object::toString)
                .onErrorMap(UnsafeUpstreamException.class, e -> ApiProblem.validation(List.of(
                        new FieldViolation("callback_url", "unsafe_url", e.getMessage()))));
    }

    /** Tells the agency its request was decided: id and status only (it fetches the result itself). Best effort. */
    private Mono<Void> notifyAgency(PresentationRequest r) {
        if (r.callbackUrl() == null) {
            return Mono.empty();
        }
        callbacks.post().uri(r.callbackUrl()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("request_id", r.id(), "status", r.status()))
                .retrieve().toBodilessEntity()
                .timeout(Duration.ofSeconds(5))
                .map(response -> "delivered_" + response.getStatusCode().value())
                .onErrorResume(e -> {
                    log.info("Callback for presentation request {} failed: {}", r.id(), e.toString());
                    return Mono.just("failed");
                })
                .flatMap(outcome -> store.callbackStatus(r.id(), outcome))
                .subscribe();
        return Mono.empty();
    }

    private List<Raw> queries(JsonNode dcql, Body read) {
        List<Raw> out = new ArrayList<>();
        if (!read.object(dcql, "dcql_query", Set.of("credentials"))) {
            return out;
        }
        JsonNode list = dcql.get("credentials");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 10) {
            read.violation("dcql_query.credentials", "required", "a list of 1-10 credential queries");
            return out;
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "dcql_query.credentials[" + i + "]";
            JsonNode q = list.get(i);
            if (!read.object(q, path, Set.of("id", "format", "meta", "claims"))) {
                continue;
            }
            String id = read.string(q, path, "id", true, QUERY_ID, "1-64 characters of A-Z a-z 0-9 _ -");
            if (id != null && !ids.add(id)) {
                read.violation(path + ".id", "duplicate", "two queries have this id");
            }
            String format = read.string(q, path, "format", false, null, null);
            if (format != null && !"dc+sd-jwt".equals(format)) {
                read.violation(path + ".format", "unsupported_format", "only dc+sd-jwt (SD-JWT VC) is issued here");
            }
            String type = null;
            JsonNode meta = q.get("meta");
            if (read.object(meta, path + ".meta", Set.of("vct_values"))) {
                JsonNode vcts = meta.get("vct_values");
                if (vcts == null || !vcts.isArray() || vcts.size() != 1 || !vcts.get(0).isString()) {
                    read.violation(path + ".meta.vct_values", "invalid_value", "exactly one vct (a type's URL or id)");
                } else {
                    String vct = vcts.get(0).stringValue();
                    String prefix = properties.base() + "/v1/certificates/types/";
                    type = vct.startsWith(prefix) ? vct.substring(prefix.length()) : vct;
                }
            }
            List<String> claims = new ArrayList<>();
            JsonNode claimList = q.get("claims");
            if (claimList == null || !claimList.isArray() || claimList.isEmpty() || claimList.size() > 64) {
                read.violation(path + ".claims", "required", "a list of 1-64 claim queries ({\"path\": [\"<claim>\"]})");
            } else {
                for (int j = 0; j < claimList.size(); j++) {
                    String claimPath = path + ".claims[" + j + "]";
                    JsonNode claim = claimList.get(j);
                    if (!read.object(claim, claimPath, Set.of("id", "path"))) {
                        continue;
                    }
                    JsonNode p = claim.get("path");
                    if (p == null || !p.isArray() || p.size() != 1 || !p.get(0).isString()) {
                        read.violation(claimPath + ".path", "invalid_value", "a path of one top-level claim name");
                    } else if (claims.contains(p.get(0).stringValue())) {
                        read.violation(claimPath + ".path", "duplicate", "this claim is asked for twice");
                    } else {
                        claims.add(p.get(0).stringValue());
                    }
                }
            }
            if (id != null && type != null) {
                out.add(new Raw(path, id, type, claims));
            }
        }
        return out;
    }

    private Map<String, Object> dcql(List<CredentialQuery> queries) {
        List<Map<String, Object>> credentials = new ArrayList<>();
        for (CredentialQuery q : queries) {
            credentials.add(Map.of("id", q.id(), "format", "dc+sd-jwt",
                    "meta", Map.of("vct_values", List.of(properties.base() + "/v1/certificates/types/" + q.type())),
                    "claims", q.claims().stream().map(c -> Map.of("path", List.of(c))).toList()));
        }
        return Map.of("credentials", credentials);
    }

    private static String nonce() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

}
