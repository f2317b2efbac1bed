package org.civicstack.platform.security.jose;

import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;

/**
 * A Nimbus {@link JWSVerifier} for {@code EdDSA} with an Ed25519 key (RFC 8037) through {@link Ed25519#DEFAULT}.
 * Nimbus's own {@code Ed25519Verifier} needs Google Tink and has no JCA path, so AWS-LC could not be used with it.
 * Tokens with critical header parameters are refused (we understand none).
 */
public final class Ed25519JwsVerifier implements JWSVerifier {

    /** {@code EdDSA} (RFC 8037) and the fully specified {@code Ed25519} (RFC 9864). */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private final PublicKey key;
    private final Ed25519 ed25519;
    private final JCAContext jca = new JCAContext();

    public Ed25519JwsVerifier(PublicKey key, Ed25519 ed25519) {
        this.key = key;
        this.ed25519 = ed25519;
    }

    public Ed25519JwsVerifier(PublicKey key) {
        this(key, Ed25519.DEFAULT);
    }

    /** The verifier for an {@code OKP} JWK on curve {@code Ed25519}. */
    public static Ed25519JwsVerifier of(OctetKeyPair jwk) throws JOSEException {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            throw new JOSEException("not an Ed25519 key: curve " + jwk.getCurve());
        }
        try {
            return new Ed25519JwsVerifier(Ed25519.publicKey(jwk.getX().decode()));
        } catch (InvalidKeyException e) {
            throw new JOSEException(e.getMessage(), e);
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            return false;
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return false;
        }
        try {
            return ed25519.verify(key, signingInput, signature.decode());
        } catch (InvalidKeyException e) {
            throw new JOSEException("unusable Ed25519 key: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
