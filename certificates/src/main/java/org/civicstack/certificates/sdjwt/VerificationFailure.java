package org.civicstack.certificates.sdjwt;

/**
 * Why a presentation was refused. {@link #code()} is stable: the web layer returns it as the problem+json
 * {@code code}, and relying parties may branch on it.
 */
public enum VerificationFailure {
    /** Not an SD-JWT (separators, base64url, JSON) or a required claim missing or mistyped. */
    MALFORMED("malformed"),
    /** {@code typ} is not {@code dc+sd-jwt}. */
    WRONG_TYPE("wrong_type"),
    /** {@code iss} is not an issuer we trust. */
    ISSUER_UNTRUSTED("issuer_untrusted"),
    /** The issuer signature does not verify, its {@code alg} is not accepted, or its {@code kid} is not in the issuer's JWKS. */
    SIGNATURE_INVALID("signature_invalid"),
    /** {@code exp} has passed (beyond the clock skew). */
    EXPIRED("expired"),
    /** {@code nbf} (or {@code iat}) is in the future (beyond the clock skew). */
    NOT_YET_VALID("not_yet_valid"),
    /** A disclosure matches no digest, appears twice, is malformed, or clashes with a claim; or {@code _sd_alg} is not sha-256. */
    DISCLOSURE_INVALID("disclosure_invalid"),
    /** No key-binding JWT where one is required. */
    KEY_BINDING_MISSING("key_binding_missing"),
    /** The key-binding JWT is malformed, has the wrong {@code typ}, or its signature does not verify with {@code cnf.jwk}. */
    KEY_BINDING_INVALID("key_binding_invalid"),
    /** The key-binding JWT's {@code aud} is not this verifier. */
    WRONG_AUDIENCE("wrong_audience"),
    /** The key-binding JWT's {@code nonce} is not the one this verifier issued. */
    NONCE_MISMATCH("nonce_mismatch"),
    /** The key-binding JWT's {@code iat} is outside the freshness window. */
    KEY_BINDING_STALE("key_binding_stale"),
    /** The key-binding JWT's {@code sd_hash} does not match the presented SD-JWT and disclosures. */
    SD_HASH_MISMATCH("sd_hash_mismatch"),
    /** The status list says 0x01 INVALID. */
    REVOKED("revoked"),
    /** The status list says 0x02 SUSPENDED. */
    SUSPENDED("suspended"),
    /** The status list holds a value we do not know. */
    STATUS_UNKNOWN("status_unknown"),
    /** The status list could not be obtained or trusted, or the index is outside it. */
    STATUS_UNAVAILABLE("status_unavailable");

    private final String code;

    VerificationFailure(String code) {
        this.code = code;
    }

    /** The stable snake_case code. */
    public String code() {
        return code;
    }
}
