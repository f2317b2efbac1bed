package org.civicstack.identity.keys;

import java.time.Instant;
import java.util.Objects;

import org.civicstack.identity.keys.KeyEncryptionCipher.Sealed;

/**
 * A signing key as the {@code signing_key} table holds it: the public half as a JWK, the private half sealed.
 *
 * @param kid the key id (RFC 7638 thumbprint of the public key).
 * @param algorithm the JWS algorithm tokens are signed with, e.g. {@code PS256}.
 * @param publicJwk the public key as JWK JSON; what the JWKS endpoint serves.
 * @param privateKey the PKCS#8 private key, sealed by {@link KeyEncryptionCipher}.
 * @param createdAt when it was stored ({@code null} before it is stored); it is published from then on.
 * @param generation its place in the sequence of keys, 1 for the first; unique, so concurrent rotations agree.
 * @param activatesAt when it starts signing; its predecessor signs until then.
 */
public record StoredSigningKey(String kid, String algorithm, String publicJwk, Sealed privateKey, Instant createdAt,
        long generation, Instant activatesAt) {

    public StoredSigningKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(publicJwk, "publicJwk");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(activatesAt, "activatesAt");
        if (generation < 1) {
            throw new IllegalArgumentException("generation starts at 1");
        }
    }
}
