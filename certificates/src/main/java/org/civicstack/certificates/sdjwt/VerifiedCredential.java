package org.civicstack.certificates.sdjwt;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.jwk.JWK;

import org.civicstack.certificates.statuslist.StatusReference;

/**
 * A presentation that passed every check.
 *
 * @param issuer    {@code iss}
 * @param type      {@code vct}
 * @param issuedAt  {@code iat}, or {@code null}
 * @param expiresAt {@code exp}
 * @param holderKey {@code cnf.jwk}, which signed the key-binding JWT
 * @param status    the status reference that was checked, or {@code null}
 * @param claims    the visible claims plus the disclosed ones, with {@code _sd}, {@code _sd_alg} and undisclosed
 *                  array elements removed (registered claims such as {@code iss} included)
 * @param disclosed names of the top-level claims that came from disclosures
 */
public record VerifiedCredential(
        String issuer,
        String type,
        Instant issuedAt,
        Instant expiresAt,
        JWK holderKey,
        StatusReference status,
        Map<String, Object> claims,
        Set<String> disclosed) {
}
