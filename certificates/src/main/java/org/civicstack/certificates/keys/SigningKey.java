package org.civicstack.certificates.keys;

import java.util.Objects;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.ECKey;

/**
 * One credential signing key: a P-256 private key with its {@code kid}, and the signer made for it once. The
 * {@code kid} goes into every JWS header it signs, so verifiers pick the matching key from the JWKS.
 */
public final class SigningKey {

    private final ECKey jwk;
    private final JWSSigner signer;

    public SigningKey(ECKey jwk) {
        Objects.requireNonNull(jwk, "jwk");
        if (!jwk.isPrivate()) {
            throw new IllegalArgumentException("a signing key needs its private part");
        }
        if (jwk.getKeyID() == null || jwk.getKeyID().isBlank()) {
            throw new IllegalArgumentException("a signing key needs a kid");
        }
        this.jwk = jwk;
        this.signer = Es256.signer(jwk);
    }

    /** A fresh P-256 key with this {@code kid}. */
    public static SigningKey generate(String keyId) {
        return new SigningKey(Es256.generate(keyId));
    }

    /** The private key as a JWK JSON text, for sealing it at rest; never log or return it. */
    public String privateJwkJson() {
        return jwk.toJSONString();
    }

    public String keyId() {
        return jwk.getKeyID();
    }

    public JWSAlgorithm algorithm() {
        return Es256.ALGORITHM;
    }

    /** The signer (thread-safe: Nimbus's ECDSA signer keeps no per-call state). */
    public JWSSigner signer() {
        return signer;
    }

    /** The public half, as it appears in the JWKS. */
    public ECKey publicJwk() {
        return jwk.toPublicJWK();
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + ", ES256]";
    }
}
