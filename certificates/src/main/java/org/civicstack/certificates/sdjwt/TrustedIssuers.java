package org.civicstack.certificates.sdjwt;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import com.nimbusds.jose.jwk.JWKSet;

/** The issuers a verifier accepts credentials from, and each one's current JWKS (asked per verification, so rotations show). */
@FunctionalInterface
public interface TrustedIssuers {

    /** The JWKS of {@code issuer}, empty if it is not trusted. */
    Optional<JWKSet> keysOf(String issuer);

    /** Exactly one trusted issuer. */
    static TrustedIssuers of(String issuer, Supplier<JWKSet> keys) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(keys, "keys");
        return iss -> issuer.equals(iss) ? Optional.of(keys.get()) : Optional.empty();
    }
}
