package org.civicstack.platform.security.jose;

import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.EdECPublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;

/**
 * How every resource server checks the signature of identity's tokens, in one place: identity signs what the
 * platform itself consumes with {@code EdDSA} (Ed25519) and token-exchange assertions for agencies with
 * {@code PS256} (docs/adr/0006-token-signing-algorithm.md). Nimbus alone cannot verify the first with a JCA
 * provider: its key selector drops {@code OKP} keys (they have no {@code java.security} form in Nimbus) and its
 * verifier factory has no EdDSA. {@link #configure} gives a {@link ConfigurableJWTProcessor} (Spring's
 * {@code NimbusJwtDecoder} and {@code NimbusReactiveJwtDecoder} through their {@code jwtProcessorCustomizer})
 * a key selector that also yields Ed25519 keys and a verifier factory that verifies them through {@link Ed25519}.
 */
public final class TokenSignatures {

    /** What identity signs with: EdDSA for platform tokens, PS256 for agency assertions. */
    public static final Set<JWSAlgorithm> IDENTITY_ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.PS256);

    private TokenSignatures() {
    }

    /** Sets the key selector (allowing {@code algorithms}, keys from {@code keys}) and the verifier factory. */
    public static <C extends SecurityContext> void configure(ConfigurableJWTProcessor<C> processor,
            JWKSource<C> keys, Set<JWSAlgorithm> algorithms) {
        processor.setJWSKeySelector(new KeySelector<>(algorithms, keys));
        processor.setJWSVerifierFactory(new VerifierFactory());
    }

    /**
     * Selects keys by the header's {@code kid} and algorithm as Nimbus does, and converts RSA, EC and Ed25519 JWKs
     * to their {@code java.security} form (kept per JWK: a key is immutable, a rotation brings a new {@code kid}).
     * A subclass of Nimbus's selector because Spring's reactive decoder reads the allowed algorithms from it.
     */
    static final class KeySelector<C extends SecurityContext> extends JWSVerificationKeySelector<C> {

        private final Map<JWK, PublicKey> converted = new ConcurrentHashMap<>();

        KeySelector(Set<JWSAlgorithm> algorithms, JWKSource<C> keys) {
            super(new HashSet<>(algorithms), keys);
        }

        @Override
        public List<Key> selectJWSKeys(JWSHeader header, C context) throws KeySourceException {
            if (!isAllowed(header.getAlgorithm())) {
                return List.of();
            }
            JWKMatcher matcher = createJWKMatcher(header);
            if (matcher == null) {
                return List.of();
            }
            List<Key> keys = new ArrayList<>();
            for (JWK jwk : getJWKSource().get(new JWKSelector(matcher), context)) {
                PublicKey key = publicKey(jwk);
                if (key != null) {
                    keys.add(key);
                }
            }
            return keys;
        }

        private PublicKey publicKey(JWK jwk) {
            PublicKey known = converted.get(jwk);
            if (known != null) {
                return known;
            }
            PublicKey key;
            try {
                if (jwk instanceof RSAKey rsa) {
                    key = rsa.toRSAPublicKey();
                } else if (jwk instanceof ECKey ec) {
                    key = ec.toECPublicKey();
                } else if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                    key = Ed25519.publicKey(okp.getX().decode());
                } else {
                    return null;
                }
            } catch (JOSEException | InvalidKeyException unusable) {
                return null;
            }
            if (converted.size() > 64) {
                converted.clear();
            }
            converted.put(jwk, key);
            return key;
        }
    }

    /** Nimbus's factory, plus EdDSA with an Ed25519 {@code java.security} key through {@link Ed25519}. */
    static final class VerifierFactory implements JWSVerifierFactory {

        private final DefaultJWSVerifierFactory nimbus = new DefaultJWSVerifierFactory();
        private final Set<JWSAlgorithm> supported;

        VerifierFactory() {
            Set<JWSAlgorithm> all = new HashSet<>(DefaultJWSVerifierFactory.SUPPORTED_ALGORITHMS);
            all.addAll(Ed25519JwsVerifier.ALGORITHMS);
            supported = Set.copyOf(all);
        }

        @Override
        public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
            if (Ed25519JwsVerifier.ALGORITHMS.contains(header.getAlgorithm())) {
                if (key instanceof EdECPublicKey edKey) {
                    return new Ed25519JwsVerifier(edKey);
                }
                throw new JOSEException("EdDSA needs an Ed25519 public key");
            }
            return nimbus.createJWSVerifier(header, key);
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return supported;
        }

        @Override
        public JCAContext getJCAContext() {
            return nimbus.getJCAContext();
        }
    }
}
