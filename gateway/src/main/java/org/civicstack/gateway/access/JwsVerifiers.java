package org.civicstack.gateway.access;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import org.civicstack.platform.security.jose.Ed25519JwsVerifier;

/**
 * A verifier for each key, chosen by the JWK's key type — OKP/Ed25519 (EdDSA: identity's access tokens, through
 * the platform's {@link Ed25519JwsVerifier}, native AWS-LC where it loads), RSA (PS256) and EC. A key type
 * without a factory cannot verify anything.
 * Verifiers are made once per key and kept (keys are immutable; a rotated key has a new {@code kid}).
 */
final class JwsVerifiers {

    @FunctionalInterface
    interface Factory {
        JWSVerifier create(JWK jwk) throws JOSEException;
    }

    static final Map<KeyType, Factory> DEFAULT_FACTORIES = Map.of(
            KeyType.RSA, jwk -> new RSASSAVerifier(jwk.toRSAKey()),
            KeyType.EC, jwk -> new ECDSAVerifier(jwk.toECKey()),
            KeyType.OKP, jwk -> Ed25519JwsVerifier.of(jwk.toOctetKeyPair()));

    private final Map<KeyType, Factory> factories;
    private final Map<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();

    JwsVerifiers(Map<KeyType, Factory> factories) {
        this.factories = Map.copyOf(factories);
    }

    JwsVerifiers() {
        this(DEFAULT_FACTORIES);
    }

    /** The verifier for {@code jwk}, or {@code null} when its type is not supported here. */
    JWSVerifier forKey(JWK jwk) {
        JWSVerifier cached = verifiers.get(jwk);
        if (cached != null) {
            return cached;
        }
        Factory factory = factories.get(jwk.getKeyType());
        if (factory == null) {
            return null;
        }
        JWSVerifier created;
        try {
            created = factory.create(jwk);
        } catch (JOSEException | LinkageError unusable) {
            return null;
        }
        if (verifiers.size() > 64) {
            verifiers.clear();
        }
        verifiers.put(jwk, created);
        return created;
    }

}
