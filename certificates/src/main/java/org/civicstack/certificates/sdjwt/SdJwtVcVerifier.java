package org.civicstack.certificates.sdjwt;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.civicstack.certificates.keys.Es256;
import org.civicstack.certificates.statuslist.StatusList;
import org.civicstack.certificates.statuslist.StatusListException;
import org.civicstack.certificates.statuslist.StatusListResolver;
import org.civicstack.certificates.statuslist.StatusReference;

import static org.civicstack.certificates.sdjwt.VerificationFailure.*;

/**
 * Verifies an SD-JWT VC presentation ({@code <issuer-signed JWT>~<disclosure>~…~<KB-JWT>}), in this order:
 * <ol>
 *   <li>{@code typ: dc+sd-jwt}; {@code iss} is trusted; the ES256 signature verifies with the issuer key named by
 *       {@code kid};</li>
 *   <li>{@code exp} (required) not passed, {@code nbf}/{@code iat} not in the future (with the clock skew);</li>
 *   <li>every disclosure is well formed, appears once, matches exactly one digest in the payload
 *       ({@code _sd} or an array's {@code {"...": digest}}), and does not overwrite a claim; {@code _sd_alg} is sha-256;</li>
 *   <li>a key-binding JWT is present, {@code typ: kb+jwt}, signed (ES256) by {@code cnf.jwk}, with our {@code aud},
 *       our {@code nonce}, an {@code iat} within the freshness window, and {@code sd_hash} over everything before it;</li>
 *   <li>if the credential has {@code status.status_list}, the entry in the list from the {@link StatusListResolver}
 *       is VALID (0).</li>
 * </ol>
 * Any failure throws {@link CredentialVerificationException} with a stable {@link VerificationFailure}. Thread-safe.
 */
public final class SdJwtVcVerifier {

    private final TrustedIssuers issuers;
    private final StatusListResolver statusLists;
    private final Clock clock;
    private final VerificationPolicy policy;

    public SdJwtVcVerifier(TrustedIssuers issuers, StatusListResolver statusLists, Clock clock, VerificationPolicy policy) {
        this.issuers = Objects.requireNonNull(issuers, "issuers");
        this.statusLists = Objects.requireNonNull(statusLists, "statusLists");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * @param presentation     the compact presentation with its key-binding JWT
     * @param expectedAudience this verifier's identifier, which the KB-JWT's {@code aud} must equal
     * @param expectedNonce    the nonce this verifier gave the holder for this presentation
     */
    public VerifiedCredential verify(String presentation, String expectedAudience, String expectedNonce) {
        Objects.requireNonNull(presentation, "presentation");
        Instant now = clock.instant();
        int lastSeparator = presentation.lastIndexOf('~');
        if (lastSeparator < 0) {
            throw fail(MALFORMED, "no ~ separator: not an SD-JWT");
        }
        String[] parts = presentation.substring(0, lastSeparator).split("~", -1);
        String keyBinding = presentation.substring(lastSeparator + 1);

        SignedJWT credential = parse(parts[0], MALFORMED, "issuer-signed JWT");
        JWTClaimsSet claims = claimsOf(credential, MALFORMED);
        checkIssuerSignature(credential, claims);
        checkValidity(claims, now);

        Map<String, Disclosed> disclosures = parseDisclosures(parts);
        Map<String, Object> payload;
        try {
            payload = JSONObjectUtils.parse(credential.getPayload().toString());
        } catch (ParseException e) {
            throw fail(MALFORMED, "payload is not a JSON object", e);
        }
        Object sdAlg = payload.get("_sd_alg");
        if (sdAlg != null && !SdJwts.SD_ALG.equals(sdAlg)) {
            throw fail(DISCLOSURE_INVALID, "_sd_alg " + sdAlg + " is not supported");
        }
        Reconstruction reconstruction = new Reconstruction(disclosures);
        @SuppressWarnings("unchecked")
        Map<String, Object> processed = (Map<String, Object>) reconstruction.process(payload, true);
        processed.remove("_sd_alg");
        reconstruction.checkAllUsed();

        ECKey holderKey = holderKey(claims);
        checkKeyBinding(keyBinding, presentation.substring(0, lastSeparator + 1), holderKey, expectedAudience,
                expectedNonce, now);

        StatusReference status = statusReference(claims);
        if (status != null) {
            checkStatus(status);
        }
        return new VerifiedCredential(claims.getIssuer(), stringClaim(claims, "vct"),
                claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant(), holderKey, status,
                Collections.unmodifiableMap(processed), Collections.unmodifiableSet(reconstruction.topLevel));
    }

    private static SignedJWT parse(String compact, VerificationFailure failure, String what) {
        try {
            return SignedJWT.parse(compact);
        } catch (ParseException e) {
            throw fail(failure, what + " is not a signed JWT: " + e.getMessage(), e);
        }
    }

    private static JWTClaimsSet claimsOf(SignedJWT jwt, VerificationFailure failure) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw fail(failure, "claims are not a JWT claims set: " + e.getMessage(), e);
        }
    }

    private void checkIssuerSignature(SignedJWT credential, JWTClaimsSet claims) {
        if (!new JOSEObjectType(SdJwts.TYPE).equals(credential.getHeader().getType())) {
            throw fail(WRONG_TYPE, "typ is " + credential.getHeader().getType() + ", not " + SdJwts.TYPE);
        }
        String issuer = claims.getIssuer();
        if (issuer == null) {
            throw fail(MALFORMED, "no iss");
        }
        JWKSet keys = issuers.keysOf(issuer).orElseThrow(() -> fail(ISSUER_UNTRUSTED, "issuer not trusted: " + issuer));
        if (!Es256.ALGORITHM.equals(credential.getHeader().getAlgorithm())) {
            throw fail(SIGNATURE_INVALID, "alg " + credential.getHeader().getAlgorithm() + " is not accepted");
        }
        String kid = credential.getHeader().getKeyID();
        JWK key = kid == null ? null : keys.getKeyByKeyId(kid);
        if (!(key instanceof ECKey ecKey)) {
            throw fail(SIGNATURE_INVALID, "no key " + kid + " in the JWKS of " + issuer);
        }
        try {
            if (!credential.verify(Es256.verifier(ecKey))) {
                throw fail(SIGNATURE_INVALID, "issuer signature does not verify");
            }
        } catch (JOSEException e) {
            throw fail(SIGNATURE_INVALID, "issuer signature unusable: " + e.getMessage(), e);
        }
    }

    private void checkValidity(JWTClaimsSet claims, Instant now) {
        if (stringClaim(claims, "vct") == null) {
            throw fail(MALFORMED, "no vct");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw fail(MALFORMED, "no exp: credentials must expire");
        }
        if (!now.isBefore(exp.toInstant().plus(policy.clockSkew()))) {
            throw fail(EXPIRED, "expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(policy.clockSkew()))) {
            throw fail(NOT_YET_VALID, "not valid before " + nbf.toInstant());
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(policy.clockSkew()))) {
            throw fail(NOT_YET_VALID, "issued in the future: " + iat.toInstant());
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            throw fail(MALFORMED, name + " is not a string", e);
        }
    }

    /** One disclosure: its digest, and either a claim name (object property) or none (array element). */
    private record Disclosed(String digest, String name, Object value) {
    }

    private static Map<String, Disclosed> parseDisclosures(String[] parts) {
        Map<String, Disclosed> byDigest = new HashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String text = parts[i];
            if (text.isEmpty() || text.indexOf('=') >= 0) {
                throw fail(DISCLOSURE_INVALID, "disclosure " + i + " is empty or padded");
            }
            List<Object> array;
            try {
                array = JSONArrayUtils.parse(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException | ParseException e) {
                throw fail(DISCLOSURE_INVALID, "disclosure " + i + " is not base64url JSON array", e);
            }
            Disclosed disclosed;
            if (array.size() == 3 && array.get(0) instanceof String && array.get(1) instanceof String name) {
                if (name.equals("_sd") || name.equals("...")) {
                    throw fail(DISCLOSURE_INVALID, "disclosure " + i + " uses reserved name " + name);
                }
                disclosed = new Disclosed(SdJwts.digest(text), name, array.get(2));
            } else if (array.size() == 2 && array.get(0) instanceof String) {
                disclosed = new Disclosed(SdJwts.digest(text), null, array.get(1));
            } else {
                throw fail(DISCLOSURE_INVALID, "disclosure " + i + " is not [salt, name, value] or [salt, value]");
            }
            if (byDigest.putIfAbsent(disclosed.digest(), disclosed) != null) {
                throw fail(DISCLOSURE_INVALID, "disclosure " + i + " is presented twice");
            }
        }
        return byDigest;
    }

    /** Replaces digests by the disclosed values (RFC 9901 §7.1), checking every digest occurs once and every disclosure is used. */
    private static final class Reconstruction {
        private final Map<String, Disclosed> disclosures;
        private final Set<String> seenDigests = new HashSet<>();
        private final Set<String> used = new HashSet<>();
        private final Set<String> topLevel = new LinkedHashSet<>();

        Reconstruction(Map<String, Disclosed> disclosures) {
            this.disclosures = disclosures;
        }

        Object process(Object node, boolean top) {
            if (node instanceof Map<?, ?> map) {
                Map<String, Object> result = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!"_sd".equals(entry.getKey())) {
                        result.put((String) entry.getKey(), process(entry.getValue(), false));
                    }
                }
                Object sd = map.get("_sd");
                if (sd != null) {
                    if (!(sd instanceof List<?> digests)) {
                        throw fail(DISCLOSURE_INVALID, "_sd is not an array");
                    }
                    for (Object digest : digests) {
                        if (!(digest instanceof String d)) {
                            throw fail(DISCLOSURE_INVALID, "_sd holds a non-string");
                        }
                        Disclosed disclosed = lookup(d);
                        if (disclosed == null) {
                            continue;
                        }
                        if (disclosed.name() == null) {
                            throw fail(DISCLOSURE_INVALID, "an array-element disclosure is referenced from _sd");
                        }
                        if (result.containsKey(disclosed.name())) {
                            throw fail(DISCLOSURE_INVALID, "disclosed claim " + disclosed.name() + " already exists");
                        }
                        result.put(disclosed.name(), process(disclosed.value(), false));
                        if (top) {
                            topLevel.add(disclosed.name());
                        }
                    }
                }
                return result;
            }
            if (node instanceof List<?> list) {
                List<Object> result = new ArrayList<>();
                for (Object element : list) {
                    if (element instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("...")) {
                        if (!(m.get("...") instanceof String d)) {
                            throw fail(DISCLOSURE_INVALID, "array element digest is not a string");
                        }
                        Disclosed disclosed = lookup(d);
                        if (disclosed != null) {
                            if (disclosed.name() != null) {
                                throw fail(DISCLOSURE_INVALID, "an object-property disclosure is referenced from an array");
                            }
                            result.add(process(disclosed.value(), false));
                        }
                    } else {
                        result.add(process(element, false));
                    }
                }
                return result;
            }
            return node;
        }

        private Disclosed lookup(String digest) {
            if (!seenDigests.add(digest)) {
                throw fail(DISCLOSURE_INVALID, "digest " + digest + " occurs twice in the credential");
            }
            Disclosed disclosed = disclosures.get(digest);
            if (disclosed != null) {
                used.add(digest);
            }
            return disclosed;
        }

        void checkAllUsed() {
            if (used.size() != disclosures.size()) {
                throw fail(DISCLOSURE_INVALID, (disclosures.size() - used.size()) + " disclosure(s) match no digest");
            }
        }
    }

    private static ECKey holderKey(JWTClaimsSet claims) {
        try {
            Map<String, Object> cnf = claims.getJSONObjectClaim("cnf");
            Object jwk = cnf == null ? null : cnf.get("jwk");
            if (!(jwk instanceof Map<?, ?> map)) {
                throw fail(KEY_BINDING_INVALID, "the credential has no cnf.jwk to bind a presentation to");
            }
            @SuppressWarnings("unchecked")
            JWK parsed = JWK.parse((Map<String, Object>) map);
            if (!(parsed instanceof ECKey ecKey) || parsed.isPrivate()) {
                throw fail(KEY_BINDING_INVALID, "cnf.jwk is not a public P-256 key");
            }
            return ecKey;
        } catch (ParseException e) {
            throw fail(KEY_BINDING_INVALID, "cnf.jwk is not a JWK: " + e.getMessage(), e);
        }
    }

    private void checkKeyBinding(String compact, String presented, ECKey holderKey, String audience, String nonce, Instant now) {
        if (compact.isEmpty()) {
            throw fail(KEY_BINDING_MISSING, "no key-binding JWT after the last ~");
        }
        SignedJWT kb = parse(compact, KEY_BINDING_INVALID, "key-binding JWT");
        if (!new JOSEObjectType(SdJwts.KB_TYPE).equals(kb.getHeader().getType())) {
            throw fail(KEY_BINDING_INVALID, "key-binding typ is not " + SdJwts.KB_TYPE);
        }
        if (!Es256.ALGORITHM.equals(kb.getHeader().getAlgorithm())) {
            throw fail(KEY_BINDING_INVALID, "key-binding alg " + kb.getHeader().getAlgorithm() + " is not accepted");
        }
        try {
            if (!kb.verify(Es256.verifier(holderKey))) {
                throw fail(KEY_BINDING_INVALID, "key-binding JWT not signed by cnf.jwk");
            }
        } catch (JOSEException e) {
            throw fail(KEY_BINDING_INVALID, "key-binding signature unusable: " + e.getMessage(), e);
        }
        JWTClaimsSet claims = claimsOf(kb, KEY_BINDING_INVALID);
        List<String> aud = claims.getAudience();
        if (aud.size() != 1 || !aud.get(0).equals(audience)) {
            throw fail(WRONG_AUDIENCE, "key-binding aud " + aud + " is not " + audience);
        }
        String presentedNonce;
        try {
            presentedNonce = claims.getStringClaim("nonce");
        } catch (ParseException e) {
            throw fail(NONCE_MISMATCH, "nonce is not a string", e);
        }
        if (presentedNonce == null || !java.security.MessageDigest.isEqual(
                presentedNonce.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))) {
            throw fail(NONCE_MISMATCH, "key-binding nonce does not match");
        }
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw fail(KEY_BINDING_INVALID, "key-binding JWT has no iat");
        }
        if (iat.toInstant().isAfter(now.plus(policy.clockSkew()))
                || iat.toInstant().isBefore(now.minus(policy.keyBindingMaxAge()).minus(policy.clockSkew()))) {
            throw fail(KEY_BINDING_STALE, "key-binding iat " + iat.toInstant() + " outside the freshness window");
        }
        Object sdHash = claims.getClaim("sd_hash");
        if (!SdJwts.digest(presented).equals(sdHash)) {
            throw fail(SD_HASH_MISMATCH, "sd_hash does not match the presented SD-JWT");
        }
    }

    private static StatusReference statusReference(JWTClaimsSet claims) {
        Object status = claims.getClaim("status");
        if (status == null) {
            return null;
        }
        if (!(status instanceof Map<?, ?> map) || !(map.get("status_list") instanceof Map<?, ?> list)) {
            throw fail(MALFORMED, "status is not {status_list: {idx, uri}}");
        }
        if (!(list.get("idx") instanceof Number idx) || idx.doubleValue() != idx.longValue()
                || idx.longValue() < 0 || idx.longValue() > Integer.MAX_VALUE || !(list.get("uri") instanceof String uri)) {
            throw fail(MALFORMED, "status.status_list needs a non-negative integer idx and a uri");
        }
        try {
            return new StatusReference(idx.intValue(), URI.create(uri));
        } catch (IllegalArgumentException e) {
            throw fail(MALFORMED, "status.status_list.uri is not an absolute URI", e);
        }
    }

    private void checkStatus(StatusReference reference) {
        StatusList list;
        try {
            list = statusLists.resolve(reference.uri());
        } catch (StatusListException e) {
            throw fail(STATUS_UNAVAILABLE, "status list " + reference.uri() + ": " + e.code() + ": " + e.getMessage(), e);
        }
        if (reference.index() >= list.size()) {
            throw fail(STATUS_UNAVAILABLE, "index " + reference.index() + " outside the status list");
        }
        int value = list.get(reference.index());
        switch (value) {
            case 0 -> {
            }
            case 1 -> throw fail(REVOKED, "the credential is revoked");
            case 2 -> throw fail(SUSPENDED, "the credential is suspended");
            default -> throw fail(STATUS_UNKNOWN, "status value " + value);
        }
    }

    private static CredentialVerificationException fail(VerificationFailure failure, String message) {
        return new CredentialVerificationException(failure, message);
    }

    private static CredentialVerificationException fail(VerificationFailure failure, String message, Throwable cause) {
        return new CredentialVerificationException(failure, message, cause);
    }
}
