package org.civicstack.identity.keys;

import java.util.Objects;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * The key access tokens are signed with, private half included; never serialised or logged as a whole.
 *
 * @param key the RSA key with its id and algorithm.
 */
public record ActiveSigningKey(RSAKey key) {

    public ActiveSigningKey {
        Objects.requireNonNull(key, "key");
        if (!key.isPrivate() || key.getKeyID() == null || key.getAlgorithm() == null) {
            throw new IllegalArgumentException("the active signing key needs its private half, an id and an algorithm");
        }
    }

    public String kid() {
        return key.getKeyID();
    }

    public JWSAlgorithm algorithm() {
        return JWSAlgorithm.parse(key.getAlgorithm().getName());
    }

    @Override
    public String toString() {
        return "ActiveSigningKey[kid=" + kid() + ", algorithm=" + algorithm() + "]";
    }
}
