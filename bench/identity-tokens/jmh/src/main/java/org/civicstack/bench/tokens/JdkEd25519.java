package org.civicstack.bench.tokens;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;

/**
 * Ed25519 through the JDK's own provider ({@code Signature.getInstance("Ed25519")}, JDK 15+), as a Nimbus
 * signer/verifier: Nimbus' {@code Ed25519Signer} goes through Tink and has no JCA path.
 */
final class JdkEd25519 {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private JdkEd25519() {
    }

    static final class Signer implements JWSSigner {
        private final PrivateKey key;
        private final JCAContext jca = new JCAContext();

        Signer(PrivateKey key) {
            this.key = key;
        }

        Signer(PrivateKey key, java.security.Provider provider) {
            this.key = key;
            jca.setProvider(provider);
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            try {
                Signature signature = jca.getProvider() == null ? Signature.getInstance("Ed25519")
                        : Signature.getInstance("Ed25519", jca.getProvider());
                signature.initSign(key);
                signature.update(signingInput);
                return Base64URL.encode(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 signing failed", e);
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

    static final class Verifier implements JWSVerifier {
        private final PublicKey key;
        private final JCAContext jca = new JCAContext();

        Verifier(PublicKey key) {
            this.key = key;
        }

        Verifier(PublicKey key, java.security.Provider provider) {
            this.key = key;
            jca.setProvider(provider);
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
            try {
                Signature verifier = jca.getProvider() == null ? Signature.getInstance("Ed25519")
                        : Signature.getInstance("Ed25519", jca.getProvider());
                verifier.initVerify(key);
                verifier.update(signingInput);
                return verifier.verify(signature.decode());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 verification failed", e);
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
}
