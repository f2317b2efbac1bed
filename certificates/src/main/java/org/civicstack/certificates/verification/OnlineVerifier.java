package org.civicstack.certificates.verification;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jwt.SignedJWT;
import org.civicstack.certificates.CertificatesProperties;
import org.civicstack.certificates.keys.CredentialSigningKeys;
import org.civicstack.certificates.sdjwt.CredentialVerificationException;
import org.civicstack.certificates.sdjwt.SdJwtVcVerifier;
import org.civicstack.certificates.sdjwt.TrustedIssuers;
import org.civicstack.certificates.sdjwt.VerificationFailure;
import org.civicstack.certificates.sdjwt.VerificationPolicy;
import org.civicstack.certificates.sdjwt.VerifiedCredential;
import org.civicstack.certificates.status.StatusLists;
import org.civicstack.certificates.statuslist.StatusList;
import org.civicstack.certificates.statuslist.StatusListResolver;
import org.civicstack.certificates.types.CredentialTypeStore;
import org.civicstack.platform.api.Sql;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Verifies presentations for agencies against this platform's own keys and status lists: the same
 * {@link SdJwtVcVerifier} an offline verifier would run, fed the current status list straight from the database.
 * On top of the cryptographic checks: the credential's type must be one its issuer registered, and a nonce verifies
 * once per agency (a replayed presentation is refused). Failures are 422 problems whose {@code code} is the stable
 * {@link VerificationFailure} code, or {@code nonce_replayed}.
 */
@Component
public class OnlineVerifier {

    private static final Set<String> REGISTERED = Set.of("iss", "vct", "iat", "exp", "nbf", "cnf", "status", "sub");

    private final CredentialSigningKeys keys;
    private final StatusLists statusLists;
    private final CredentialTypeStore types;
    private final DatabaseClient db;
    private final CertificatesProperties properties;
    private final Clock clock;

    public OnlineVerifier(CredentialSigningKeys keys, StatusLists statusLists, CredentialTypeStore types,
            DatabaseClient db, CertificatesProperties properties, Clock clock) {
        this.keys = keys;
        this.statusLists = statusLists;
        this.types = types;
        this.db = db;
        this.properties = properties;
        this.clock = clock;
    }

    /** A verified presentation and the credential it came from (ours, so its id is known). */
    public record Outcome(VerifiedCredential credential, String credentialId, String citizenRef, Map<String, Object> claims) {
    }

    /**
     * @param audience the verifying agency's id, which the key-binding JWT's {@code aud} must name
     * @param consumeNonce record the nonce so it cannot verify again (false only where the nonce was minted here
     *                     for this one verification, e.g. a QR check)
     */
    public Mono<Outcome> verify(String presentation, String audience, String nonce, boolean consumeNonce) {
        String issuerPrefix = properties.base() + "/v1/certificates/issuers/";
        TrustedIssuers trusted = iss -> iss != null && iss.startsWith(issuerPrefix)
                ? Optional.of(keys.verificationKeys()) : Optional.empty();
        URI statusUri = statusUri(presentation);
        String listId = statusUri == null ? null : statusLists.listId(statusUri);
        Mono<Map<URI, StatusList>> lists = listId == null ? Mono.just(Map.of())
                : db.sql("select lst from status_list where id = :id").bind("id", listId)
                        .map(row -> row.get("lst", byte[].class)).one()
                        .map(bytes -> Map.of(statusUri, StatusList.fromBytes(bytes, 2)))
                        .defaultIfEmpty(Map.of());
        return lists.flatMap(found -> {
            VerifiedCredential verified;
            try {
                verified = new SdJwtVcVerifier(trusted, StatusListResolver.of(found), clock, VerificationPolicy.DEFAULT)
                        .verify(presentation, audience, nonce);
            } catch (CredentialVerificationException e) {
                return Mono.error(refused(e.failure().code(), e.getMessage()));
            } catch (RuntimeException e) {
                return Mono.error(refused(VerificationFailure.MALFORMED.code(), "the presentation cannot be read"));
            }
            String issuerAgency = verified.issuer().substring(issuerPrefix.length());
            String vctPrefix = properties.base() + "/v1/certificates/types/";
            if (!verified.type().startsWith(vctPrefix)) {
                return Mono.error(refused(VerificationFailure.ISSUER_UNTRUSTED.code(), "vct is not a type of this platform"));
            }
            String typeId = verified.type().substring(vctPrefix.length());
            Mono<Void> typeCheck = types.find(typeId)
                    .filter(type -> type.issuerAgencyId().equals(issuerAgency))
                    .switchIfEmpty(Mono.error(refused(VerificationFailure.ISSUER_UNTRUSTED.code(),
                            "type " + typeId + " is not registered by issuer " + issuerAgency)))
                    .then();
            Mono<Void> nonceCheck = !consumeNonce ? Mono.empty()
                    : db.sql("insert into verified_nonce (agency_id, nonce, verified_at) values (:agency, :nonce, :now)"
                                    + " on conflict do nothing")
                            .bind("agency", audience).bind("nonce", nonce).bind("now", Sql.utc(clock.instant()))
                            .fetch().rowsUpdated()
                            .flatMap(n -> n == 1 ? Mono.<Void>empty() : Mono.error(refused("nonce_replayed",
                                    "this nonce was verified already: a presentation verifies once")));
            Mono<String[]> owner = verified.status() == null ? Mono.just(new String[2])
                    : db.sql("select id, citizen_ref from credential where status_list_id = :list and status_index = :idx")
                            .bind("list", statusLists.listId(verified.status().uri()))
                            .bind("idx", verified.status().index())
                            .map(row -> new String[] {row.get("id", String.class), row.get("citizen_ref", String.class)})
                            .one().defaultIfEmpty(new String[2]);
            return typeCheck.then(nonceCheck).then(owner).map(ids -> new Outcome(verified, ids[0], ids[1],
                    holderClaims(verified)));
        });
    }

    /** The answer agencies get: the credential's own claims, its issuer, type and validity. */
    public Map<String, Object> view(Outcome outcome) {
        VerifiedCredential v = outcome.credential();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", true);
        out.put("credential_id", outcome.credentialId());
        out.put("issuer", v.issuer());
        out.put("issuer_agency_id", v.issuer().substring(v.issuer().lastIndexOf('/') + 1));
        out.put("vct", v.type());
        out.put("type", v.type().substring(v.type().lastIndexOf('/') + 1));
        out.put("issued_at", v.issuedAt());
        out.put("expires_at", v.expiresAt());
        out.put("status", "valid");
        out.put("claims", outcome.claims());
        out.put("disclosed", v.disclosed());
        out.put("verified_at", Instant.ofEpochSecond(clock.instant().getEpochSecond()));
        return out;
    }

    private static Map<String, Object> holderClaims(VerifiedCredential v) {
        Map<String, Object> claims = new LinkedHashMap<>(v.claims());
        REGISTERED.forEach(claims::remove);
        return claims;
    }

    static ApiProblem refused(String code, String detail) {
        return new ApiProblem(422, code, "Verification failed", detail);
    }

    @SuppressWarnings("unchecked")
    private static URI statusUri(String presentation) {
        try {
            int end = presentation.indexOf('~');
            SignedJWT jwt = SignedJWT.parse(end < 0 ? presentation : presentation.substring(0, end));
            Object status = jwt.getJWTClaimsSet().getClaim("status");
            if (status instanceof Map<?, ?> s && s.get("status_list") instanceof Map<?, ?> list
                    && list.get("uri") instanceof String uri) {
                return URI.create(uri);
            }
            return null;
        } catch (java.text.ParseException | IllegalArgumentException e) {
            return null;
        }
    }
}
