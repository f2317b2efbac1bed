package org.civicstack.identity.clients;

import java.text.ParseException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * The public keys a client registers inline for {@code private_key_jwt} (RFC 7517 JWK set). Checked on the way in:
 * 1–10 keys, public only (a set carrying a private member is refused, not silently stripped: whoever sent it has
 * leaked the key), each with a unique {@code kid}, RSA of at least 2048 bits (PS256) or EC P-256 (ES256), and no
 * {@code use} other than {@code sig}.
 */
public final class ClientJwks {

    static final int MAX_KEYS = 10;

    private final JWKSet keys;

    private ClientJwks(JWKSet keys) {
        this.keys = keys;
    }

    /** @throws IllegalArgumentException saying what is wrong, never echoing key material */
    public static ClientJwks parse(String json) {
        Objects.requireNonNull(json, "jwks");
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("jwks is not a JWK set (RFC 7517): " + e.getMessage());
        }
        if (set.getKeys().isEmpty() || set.getKeys().size() > MAX_KEYS) {
            throw new IllegalArgumentException("jwks must hold 1 to " + MAX_KEYS + " keys");
        }
        Set<String> kids = new HashSet<>();
        for (JWK key : set.getKeys()) {
            if (key.isPrivate()) {
                throw new IllegalArgumentException("jwks must hold public keys only; key " + key.getKeyID()
                        + " has private members: treat that key as leaked and make a new one");
            }
            if (key.getKeyID() == null || key.getKeyID().isBlank() || !kids.add(key.getKeyID())) {
                throw new IllegalArgumentException("every key in jwks needs its own kid");
            }
            if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
                throw new IllegalArgumentException("key " + key.getKeyID() + " must have use 'sig' or none");
            }
            if (key instanceof RSAKey rsa) {
                if (rsa.size() < 2048) {
                    throw new IllegalArgumentException("RSA key " + key.getKeyID() + " must have at least 2048 bits");
                }
            } else if (key instanceof ECKey ec) {
                if (!Curve.P_256.equals(ec.getCurve())) {
                    throw new IllegalArgumentException("EC key " + key.getKeyID() + " must be on P-256 (ES256)");
                }
            } else {
                throw new IllegalArgumentException("key " + key.getKeyID() + " must be RSA (PS256) or EC P-256 (ES256)");
            }
        }
        return new ClientJwks(set);
    }

    public JWKSet keys() {
        return keys;
    }

    /** The set as stored: public members only. */
    public String json() {
        return keys.toString(true);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientJwks that && json().equals(that.json());
    }

    @Override
    public int hashCode() {
        return json().hashCode();
    }

    @Override
    public String toString() {
        return "ClientJwks[kids=" + keys.getKeys().stream().map(JWK::getKeyID).toList() + "]";
    }
}
