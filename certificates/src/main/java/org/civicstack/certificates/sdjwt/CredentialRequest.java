package org.civicstack.certificates.sdjwt;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.jwk.JWK;

import org.civicstack.certificates.statuslist.StatusReference;

/**
 * What to put in one SD-JWT VC. Claim values are JSON values: {@code String}, {@code Boolean}, integral
 * {@code Number}s, {@code List} and {@code Map} of those.
 *
 * @param issuer           {@code iss}
 * @param type             {@code vct}, e.g. {@code https://credentials.civicstack.example/resident-permit}
 * @param issuedAt         {@code iat}
 * @param expiresAt        {@code exp} (required: every credential expires)
 * @param notBefore        {@code nbf}, or {@code null}
 * @param holderKey        the holder's public key, bound as {@code cnf.jwk}
 * @param status           {@code status.status_list}, or {@code null} for a credential without status
 * @param visibleClaims    claims always visible to every verifier
 * @param disclosableClaims claims the holder chooses to disclose, each its own disclosure
 */
public record CredentialRequest(
        String issuer,
        String type,
        Instant issuedAt,
        Instant expiresAt,
        Instant notBefore,
        JWK holderKey,
        StatusReference status,
        Map<String, Object> visibleClaims,
        Map<String, Object> disclosableClaims) {

    /** Names the issuer sets itself or SD-JWT reserves; they can be neither visible nor disclosable claims. */
    public static final Set<String> RESERVED = Set.of("iss", "vct", "vct#integrity", "iat", "exp", "nbf", "cnf",
            "status", "_sd", "_sd_alg", "...");

    public CredentialRequest {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(holderKey, "holderKey");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("exp must be after iat");
        }
        if (holderKey.isPrivate()) {
            throw new IllegalArgumentException("the holder key must be the public key only");
        }
        visibleClaims = Collections.unmodifiableMap(new LinkedHashMap<>(visibleClaims == null ? Map.of() : visibleClaims));
        disclosableClaims = Collections.unmodifiableMap(new LinkedHashMap<>(disclosableClaims == null ? Map.of() : disclosableClaims));
        for (String name : visibleClaims.keySet()) {
            checkName(name);
            if (disclosableClaims.containsKey(name)) {
                throw new IllegalArgumentException("claim both visible and disclosable: " + name);
            }
        }
        disclosableClaims.keySet().forEach(CredentialRequest::checkName);
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || RESERVED.contains(name)) {
            throw new IllegalArgumentException("claim name not allowed: " + name);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction, mostly for tests and fixtures. */
    public static final class Builder {
        private String issuer;
        private String type;
        private Instant issuedAt;
        private Instant expiresAt;
        private Instant notBefore;
        private JWK holderKey;
        private StatusReference status;
        private final Map<String, Object> visible = new LinkedHashMap<>();
        private final Map<String, Object> disclosable = new LinkedHashMap<>();

        public Builder issuer(String issuer) { this.issuer = issuer; return this; }
        public Builder type(String type) { this.type = type; return this; }
        public Builder issuedAt(Instant issuedAt) { this.issuedAt = issuedAt; return this; }
        public Builder expiresAt(Instant expiresAt) { this.expiresAt = expiresAt; return this; }
        public Builder notBefore(Instant notBefore) { this.notBefore = notBefore; return this; }
        public Builder holderKey(JWK holderKey) { this.holderKey = holderKey; return this; }
        public Builder status(StatusReference status) { this.status = status; return this; }
        public Builder visible(String name, Object value) { visible.put(name, value); return this; }
        public Builder disclosable(String name, Object value) { disclosable.put(name, value); return this; }

        public CredentialRequest build() {
            return new CredentialRequest(issuer, type, issuedAt, expiresAt, notBefore, holderKey, status, visible, disclosable);
        }
    }
}
