package org.civicstack.certificates.wallet;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.nimbusds.jwt.SignedJWT;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.certificates.accesslog.AccessLog;
import org.civicstack.certificates.common.Body;
import org.civicstack.certificates.issuance.Credential;
import org.civicstack.certificates.issuance.CredentialStore;
import org.civicstack.certificates.issuance.Issuance;
import org.civicstack.certificates.sharing.Sharing;
import org.civicstack.certificates.sharing.SharingStore;
import org.civicstack.certificates.types.ClaimDefinition;
import org.civicstack.certificates.types.CredentialType;
import org.civicstack.certificates.types.CredentialTypeStore;
import org.civicstack.certificates.verification.QrTokens;
import org.civicstack.platform.api.Page;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.PlatformCaller;
import org.civicstack.platform.web.Languages;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The citizen's wallet through the app (a citizen app access token): their credentials in their language, the
 * SD-JWT VC to download, presentations for an offline verifier, QR tokens to show in person, the requests waiting
 * for their decision, their consents and their access log ("who used my data").
 */
@RestController
@RequestMapping("/v1/certificates/me")
@Tag(name = "wallet", description = "The citizen's wallet, requests, consents and access log (citizen app)")
public class WalletController {

    private static final Pattern CLAIM = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final CredentialStore credentials;
    private final CredentialTypeStore types;
    private final Issuance issuance;
    private final HolderPresentations presentations;
    private final QrTokens qrTokens;
    private final Sharing sharing;
    private final SharingStore sharingStore;
    private final AccessLog accessLog;
    private final Clock clock;

    public WalletController(CredentialStore credentials, CredentialTypeStore types, Issuance issuance,
            HolderPresentations presentations, QrTokens qrTokens, Sharing sharing, SharingStore sharingStore,
            AccessLog accessLog, Clock clock) {
        this.credentials = credentials;
        this.types = types;
        this.issuance = issuance;
        this.presentations = presentations;
        this.qrTokens = qrTokens;
        this.sharing = sharing;
        this.sharingStore = sharingStore;
        this.accessLog = accessLog;
        this.clock = clock;
    }

    @GetMapping("/credentials")
    @Operation(operationId = "listWalletCredentials", summary = "My credentials (ended ones with include_ended=true)")
    public Mono<Map<String, Object>> list(@RequestParam(name = "include_ended", defaultValue = "false") boolean ended,
            @RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        String language = language(acceptLanguage);
        return PlatformCaller.citizen().flatMap(caller -> credentials.ofCitizen(caller.requireCitizen(), ended)
                .concatMap(c -> types.find(c.typeId()).map(type -> summary(c, type, language)))
                .collectList().map(list -> Map.of("data", list)));
    }

    @GetMapping("/credentials/{id}")
    @Operation(operationId = "getWalletCredential", summary = "One of my credentials with its claims, labelled in my language")
    public Mono<Map<String, Object>> get(@PathVariable String id,
            @RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        String language = language(acceptLanguage);
        return mine(id).flatMap(c -> types.find(c.typeId()).map(type -> {
            Map<String, Object> out = summary(c, type, language);
            Map<String, Object> values = claimValues(issuance.serialized(c));
            List<Map<String, Object>> claims = new ArrayList<>();
            for (ClaimDefinition claim : type.claims()) {
                if (values.containsKey(claim.name())) {
                    Map<String, Object> shown = new LinkedHashMap<>();
                    shown.put("name", claim.name());
                    shown.put("label", claim.displayName(language));
                    shown.put("value", values.get(claim.name()));
                    shown.put("disclosable", claim.disclosable());
                    claims.add(shown);
                }
            }
            out.put("claims", claims);
            out.put("status_list", issuance.view(c).get("status_list"));
            return out;
        }));
    }

    @GetMapping(path = "/credentials/{id}/sd-jwt", produces = "application/dc+sd-jwt")
    @Operation(operationId = "downloadWalletCredential", summary = "Download my credential as issued: the SD-JWT VC with every disclosure")
    public Mono<ResponseEntity<String>> download(@PathVariable String id) {
        return mine(id).map(c -> ResponseEntity.ok().contentType(MediaType.parseMediaType("application/dc+sd-jwt"))
                .header("Cache-Control", "no-store").body(issuance.serialized(c)));
    }

    @PostMapping("/credentials/{id}/presentations")
    @Operation(operationId = "presentWalletCredential", summary = "A presentation of chosen claims for a verifier's audience and nonce (offline verification)")
    public Mono<Map<String, Object>> present(@PathVariable String id, @RequestBody JsonNode body) {
        Body read = Body.reading();
        if (!read.object(body, "", Set.of("audience", "nonce", "claims"))) {
            read.check();
        }
        String audience = read.string(body, "", "audience", true, Pattern.compile("[\\x21-\\x7e]{1,256}"), "1-256 printable characters");
        String nonce = read.string(body, "", "nonce", true, Pattern.compile("[\\x21-\\x7e]{8,256}"), "8-256 printable characters");
        List<String> claims = read.strings(body, "", "claims", false, CLAIM, 64);
        read.check();
        return mine(id).flatMap(c -> usable(c).then(types.find(c.typeId())).flatMap(type -> {
            Set<String> disclose = disclosable(type, claims, read);
            read.check();
            return presentations.present(c, disclose, audience, nonce)
                    .flatMap(p -> accessLog.record(c.id(), c.citizenRef(), "presented",
                            audience.startsWith("agy_") ? audience : null, null, List.copyOf(disclose), null, null,
                            null, clock.instant()).thenReturn(Map.<String, Object>of("presentation", p,
                            "disclosed", disclose)));
        }));
    }

    @PostMapping("/credentials/{id}/qr")
    @Operation(operationId = "createQrToken", summary = "A short-lived, single-use token to show this credential in person (as a QR code)")
    public Mono<ResponseEntity<Map<String, Object>>> qr(@PathVariable String id, @RequestBody(required = false) JsonNode body) {
        Body read = Body.reading();
        List<String> claims = null;
        if (body != null && !body.isNull()) {
            if (read.object(body, "", Set.of("claims"))) {
                claims = read.strings(body, "", "claims", false, CLAIM, 64);
            }
        }
        read.check();
        List<String> chosen = claims;
        return mine(id).flatMap(c -> usable(c).then(types.find(c.typeId())).flatMap(type -> {
            Set<String> disclose = chosen == null ? new java.util.LinkedHashSet<>(type.claims().stream()
                    .filter(ClaimDefinition::disclosable).map(ClaimDefinition::name).toList())
                    : disclosable(type, chosen, read);
            read.check();
            return qrTokens.issue(c.id(), c.citizenRef(), List.copyOf(disclose))
                    .map(issued -> ResponseEntity.status(HttpStatus.CREATED).body(Map.<String, Object>of(
                            "token", issued.token(), "qr_payload", issued.token(), "expires_at", issued.expiresAt(),
                            "claims", disclose)));
        }));
    }

    @GetMapping("/presentation-requests")
    @Operation(operationId = "listMyPresentationRequests", summary = "Requests for my data waiting for my decision")
    public Mono<Map<String, Object>> pending(@RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        String language = language(acceptLanguage);
        return PlatformCaller.citizen().flatMap(caller -> sharing.pending(caller.requireCitizen())
                .concatMap(r -> sharing.citizenView(caller.requireCitizen(), r.id(), language))
                .collectList().map(list -> Map.of("data", list)));
    }

    @GetMapping("/presentation-requests/{id}")
    @Operation(operationId = "getMyPresentationRequest", summary = "What is asked, by whom, for what; my matching credentials (opening an open request makes it mine)")
    public Mono<Map<String, Object>> request(@PathVariable String id,
            @RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        return PlatformCaller.citizen().flatMap(caller -> sharing.citizenView(caller.requireCitizen(), id,
                language(acceptLanguage)));
    }

    @PostMapping("/presentation-requests/{id}/approve")
    @Operation(operationId = "approvePresentationRequest", summary = "Share: one chosen credential per query; optionally a standing consent (standing_until)")
    public Mono<Map<String, Object>> approve(@PathVariable String id, @RequestBody JsonNode body,
            @RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        return PlatformCaller.citizen().flatMap(caller -> sharing.approve(caller, id, body, language(acceptLanguage)));
    }

    @PostMapping("/presentation-requests/{id}/decline")
    @Operation(operationId = "declinePresentationRequest", summary = "Decline: the agency gets nothing")
    public Mono<Map<String, Object>> decline(@PathVariable String id,
            @RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        return PlatformCaller.citizen().flatMap(caller -> sharing.decline(caller, id, language(acceptLanguage)));
    }

    @GetMapping("/consents")
    @Operation(operationId = "listMyConsents", summary = "What I agreed to share with whom (one-time and standing)")
    public Mono<Map<String, Object>> consents() {
        return PlatformCaller.citizen().flatMap(caller -> sharingStore.consentsOf(caller.requireCitizen())
                .map(c -> consentView(c)).collectList().map(list -> Map.of("data", list)));
    }

    @PostMapping("/consents/{id}/revoke")
    @Operation(operationId = "revokeMyConsent", summary = "End a consent: a standing consent answers no further requests")
    public Mono<Map<String, Object>> revokeConsent(@PathVariable String id) {
        return PlatformCaller.citizen().flatMap(caller -> sharingStore.consent(id)
                .filter(c -> c.citizenRef().equals(caller.requireCitizen()))
                .switchIfEmpty(Mono.error(ApiProblem.notFound("unknown_consent", "No consent " + id + ".")))
                .flatMap(c -> sharingStore.revokeConsent(id, c.citizenRef(), clock.instant()).then(sharingStore.consent(id)))
                .map(this::consentView));
    }

    @GetMapping("/access-log")
    @Operation(operationId = "myAccessLog", summary = "Who used my credentials: every share, verification and status change, newest first")
    public Mono<Map<String, Object>> accessLog(@RequestParam(required = false) String credential,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        int size = Page.limit(limit);
        String after = Page.decodeCursor(cursor);
        long before;
        try {
            before = after.isEmpty() ? 0 : Long.parseLong(after);
        } catch (NumberFormatException e) {
            return Mono.error(ApiProblem.badRequest("invalid_cursor", "The cursor is not one this API returned."));
        }
        return PlatformCaller.citizen().flatMap(caller -> accessLog.ofCitizen(caller.requireCitizen(), credential,
                before, size + 1).collectList().map(found -> {
                    var shown = found.size() > size ? found.subList(0, size) : found;
                    List<Map<String, Object>> data = new ArrayList<>();
                    for (AccessLog.Entry e : shown) {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("at", e.at());
                        entry.put("kind", e.kind());
                        entry.put("credential_id", e.credentialId());
                        entry.put("agency_id", e.agencyId());
                        entry.put("claims", e.claims());
                        entry.put("purpose", e.purpose());
                        entry.put("consent_id", e.consentId());
                        entry.put("request_id", e.requestId());
                        data.add(entry);
                    }
                    Map<String, Object> page = new LinkedHashMap<>();
                    page.put("data", data);
                    page.put("next_cursor", found.size() > size ? Page.encodeCursor(String.valueOf(shown.get(shown.size() - 1).id())) : null);
                    return page;
                }));
    }

    private Map<String, Object> consentView(SharingStore.Consent c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("agency_id", c.agencyId());
        out.put("kind", c.kind());
        out.put("scope", c.scope());
        out.put("purpose", c.purpose());
        out.put("request_id", c.requestId());
        out.put("granted_at", c.grantedAt());
        out.put("expires_at", c.expiresAt());
        out.put("revoked_at", c.revokedAt());
        out.put("active", c.activeAt(clock.instant()));
        return out;
    }

    private Map<String, Object> summary(Credential c, CredentialType type, String language) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("type", type.id());
        out.put("type_name", type.name().get(language));
        out.put("issuer_agency_id", c.issuerAgencyId());
        out.put("status", c.status());
        out.put("expired", !clock.instant().isBefore(c.expiresAt()));
        out.put("issued_at", c.issuedAt());
        out.put("expires_at", c.expiresAt());
        out.put("display", type.display());
        return out;
    }

    private Mono<Credential> mine(String id) {
        return PlatformCaller.citizen().flatMap(caller -> credentials.find(id)
                .filter(c -> c.citizenRef().equals(caller.requireCitizen()))
                .switchIfEmpty(Mono.error(ApiProblem.notFound("unknown_credential", "You hold no credential " + id + "."))));
    }

    private Mono<Void> usable(Credential c) {
        if (!c.usable()) {
            return Mono.error(ApiProblem.unprocessable("credential_" + c.status(),
                    "Credential " + c.id() + " is " + c.status() + "."));
        }
        if (!clock.instant().isBefore(c.expiresAt())) {
            return Mono.error(ApiProblem.unprocessable("credential_expired", "Credential " + c.id() + " has expired."));
        }
        return Mono.empty();
    }

    private static Set<String> disclosable(CredentialType type, List<String> claims, Body read) {
        Set<String> out = new java.util.LinkedHashSet<>();
        if (claims == null) {
            return out;
        }
        for (int i = 0; i < claims.size(); i++) {
            var claim = type.claim(claims.get(i));
            if (claim.isEmpty()) {
                read.violation("claims[" + i + "]", "unknown_claim", "type " + type.id() + " has no such claim");
            } else if (claim.get().disclosable()) {
                out.add(claim.get().name());
            }
        }
        return out;
    }

    /** Every claim value of an issued SD-JWT: the visible ones and each disclosure's. */
    static Map<String, Object> claimValues(String issued) {
        Map<String, Object> values = new LinkedHashMap<>();
        String[] parts = issued.split("~", -1);
        try {
            values.putAll(SignedJWT.parse(parts[0]).getJWTClaimsSet().getClaims());
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("stored credential is not a JWT", e);
        }
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                var disclosure = com.authlete.sd.Disclosure.parse(parts[i]);
                if (disclosure.getClaimName() != null) {
                    values.put(disclosure.getClaimName(), disclosure.getClaimValue());
                }
            }
        }
        return values;
    }

    private static String language(String acceptLanguage) {
        return Languages.preferred(acceptLanguage, Languages.Language.ZH_CN) == Languages.Language.EN ? "en" : "zh-CN";
    }

}
