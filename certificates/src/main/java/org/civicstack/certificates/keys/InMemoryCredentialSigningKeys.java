package org.civicstack.certificates.keys;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * {@link CredentialSigningKeys} held in memory (tests, the all-in-one demo); keys are lost on restart. Thread-safe.
 * Key ids are {@code cred-} followed by 16 random base64url characters.
 */
public final class InMemoryCredentialSigningKeys implements CredentialSigningKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<SigningKey> keys = new ArrayList<>();
    private volatile SigningKey current;
    private volatile JWKSet published;

    public InMemoryCredentialSigningKeys() {
        rotate();
    }

    @Override
    public SigningKey current() {
        return current;
    }

    @Override
    public JWKSet verificationKeys() {
        return published;
    }

    @Override
    public synchronized SigningKey rotate() {
        SigningKey next = SigningKey.generate(newKeyId());
        keys.add(next);
        publish();
        current = next;
        return next;
    }

    @Override
    public synchronized void retire(String keyId) {
        if (current.keyId().equals(keyId)) {
            throw new IllegalArgumentException("the current key cannot be retired: " + keyId);
        }
        if (keys.removeIf(key -> key.keyId().equals(keyId))) {
            publish();
        }
    }

    private void publish() {
        List<JWK> jwks = new ArrayList<>();
        for (int i = keys.size() - 1; i >= 0; i--) {
            jwks.add(keys.get(i).publicJwk());
        }
        published = new JWKSet(jwks);
    }

    private static String newKeyId() {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        return "cred-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
