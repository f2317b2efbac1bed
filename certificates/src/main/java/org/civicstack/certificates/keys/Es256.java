package org.civicstack.certificates.keys;

import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.util.UUID;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ES256 (ECDSA on P-256 with SHA-256) for credentials, status lists and key-binding JWTs
 * (docs/adr/0008-certificate-signing-algorithm.md), through Nimbus with the JCA provider chosen once per JVM:
 * <b>Amazon Corretto Crypto Provider</b> (native AWS-LC, ~36 µs sign / ~55 µs verify here) when it loads and passes a
 * self-test, otherwise the JDK's {@code SunEC} (same results, ~10× slower). Keys are Nimbus {@link ECKey}s either
 * way, so what one provider signs the other verifies.
 */
public final class Es256 {

    /** The one JWS algorithm credentials are signed with. */
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;

    private static final Logger log = LoggerFactory.getLogger(Es256.class);

    private static final Provider PROVIDER = choose();

    private Es256() {
    }

    private static Provider choose() {
        try {
            Throwable loading = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
            if (loading == null) {
                selfTest(AmazonCorrettoCryptoProvider.INSTANCE);
                log.info("ES256 through {} (native AWS-LC)", AmazonCorrettoCryptoProvider.INSTANCE.getName());
                return AmazonCorrettoCryptoProvider.INSTANCE;
            }
            log.warn("ES256 falls back to the JDK's provider (about 10x slower): AWS-LC did not load here: {}", loading.toString());
        } catch (LinkageError | RuntimeException | JOSEException e) {
            log.warn("ES256 falls back to the JDK's provider (about 10x slower): {}", e.toString());
        }
        return null;
    }

    private static void selfTest(Provider provider) throws JOSEException {
        ECKey key = generate("self-test");
        byte[] probe = "civicstack es256 self-test".getBytes(StandardCharsets.US_ASCII);
        JWSHeader header = new JWSHeader(ALGORITHM);
        ECDSASigner signer = new ECDSASigner(key);
        signer.getJCAContext().setProvider(provider);
        Base64URL signature = signer.sign(header, probe);
        if (!new ECDSAVerifier(key.toPublicJWK()).verify(header, probe, signature)) {
            throw new JOSEException(provider.getName() + " produced an ES256 signature the JDK rejects");
        }
    }

    /** e.g. {@code AmazonCorrettoCryptoProvider} or {@code SunEC}: which provider signs in this JVM. */
    public static String providerName() {
        return PROVIDER != null ? PROVIDER.getName() : "SunEC";
    }

    /** Whether signatures go through native AWS-LC. */
    public static boolean isNative() {
        return PROVIDER != null;
    }

    /** A new P-256 signing key with the given {@code kid}, {@code alg: ES256} and {@code use: sig}. */
    public static ECKey generate(String keyId) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(keyId == null ? UUID.randomUUID().toString() : keyId)
                    .algorithm(ALGORITHM)
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    /** A signer for {@code privateKey} (a P-256 key with its private part). */
    public static JWSSigner signer(ECKey privateKey) {
        try {
            ECDSASigner signer = new ECDSASigner(privateKey);
            if (PROVIDER != null) {
                signer.getJCAContext().setProvider(PROVIDER);
            }
            return signer;
        } catch (JOSEException e) {
            throw new IllegalArgumentException("not a P-256 signing key: " + e.getMessage(), e);
        }
    }

    /**
     * A verifier for {@code publicKey}; it only accepts ES256 and refuses tokens with critical header parameters.
     *
     * @throws JOSEException if the key is not a P-256 key
     */
    public static JWSVerifier verifier(ECKey publicKey) throws JOSEException {
        if (!Curve.P_256.equals(publicKey.getCurve())) {
            throw new JOSEException("not a P-256 key: curve " + publicKey.getCurve());
        }
        ECDSAVerifier verifier = new ECDSAVerifier(publicKey.toPublicJWK());
        if (PROVIDER != null) {
            verifier.getJCAContext().setProvider(PROVIDER);
        }
        return verifier;
    }
}
