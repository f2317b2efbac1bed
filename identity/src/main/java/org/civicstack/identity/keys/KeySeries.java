package org.civicstack.identity.keys;

import java.util.Locale;

import com.nimbusds.jose.JWSAlgorithm;
import org.springframework.security.oauth2.jose.jws.JwsAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;

/**
 * The two sequences of signing keys, one per algorithm, chosen by who verifies the tokens
 * (docs/adr/0006-token-signing-algorithm.md). Each series rotates on its own schedule of generations; the JWKS
 * publishes both. Which series signs a token is decided by the algorithm its header asks for
 * ({@link RotatingJwtEncoder}).
 */
public enum KeySeries {

    /**
     * Access tokens (the app's and client credentials) and the app's ID tokens: verified by our gateway, our
     * platform services and the city app, all of which verify Ed25519. {@code EdDSA}, Ed25519 keys.
     */
    TOKENS(JWSAlgorithm.EdDSA, Algorithms.EDDSA),

    /**
     * Token-exchange assertions the gateway forwards to agencies: verified with agencies' stock libraries (Spring
     * Security's {@code SignatureAlgorithm} has no EdDSA). {@code PS256}, RSA 2048 keys.
     */
    AGENCY_ASSERTIONS(JWSAlgorithm.PS256, SignatureAlgorithm.PS256);

    private final JWSAlgorithm algorithm;
    private final JwsAlgorithm springAlgorithm;

    KeySeries(JWSAlgorithm algorithm, JwsAlgorithm springAlgorithm) {
        this.algorithm = algorithm;
        this.springAlgorithm = springAlgorithm;
    }

    /** The JWS {@code alg} of every key (and token) of this series; also the {@code signing_key.algorithm} value. */
    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** The same algorithm for Spring's {@code JwsHeader}: callers ask the encoder for a series with it. */
    public JwsAlgorithm jwsAlgorithm() {
        return springAlgorithm;
    }

    /** e.g. {@code tokens}: how the operator API and events name the series. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The series whose algorithm is {@code alg}, or {@code null}. */
    public static KeySeries ofAlgorithm(String alg) {
        for (KeySeries series : values()) {
            if (series.algorithm.getName().equals(alg)) {
                return series;
            }
        }
        return null;
    }

    /** Spring Security has no EdDSA constant ({@code SignatureAlgorithm} stops at RS/ES/PS); its header takes any. */
    static final class Algorithms {
        static final JwsAlgorithm EDDSA = new JwsAlgorithm() {
            @Override
            public String getName() {
                return "EdDSA";
            }

            @Override
            public String toString() {
                return "EdDSA";
            }
        };

        private Algorithms() {
        }
    }
}
