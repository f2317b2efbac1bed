package org.civicstack.identity.keys;

import java.security.GeneralSecurityException;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.platform.security.jose.Ed25519;

/**
 * Tests that mint tokens themselves (with claims the token endpoint would never issue) sign them with identity's
 * current key of a series, through Nimbus, independently of {@link RotatingJwtEncoder}.
 */
public final class TestSigner {

    private TestSigner() {
    }

    /** {@code claims} signed with {@code key} ({@code typ} omitted when {@code null}). */
    public static String sign(ActiveSigningKey key, JWTClaimsSet claims, String typ) {
        JWSHeader.Builder header = new JWSHeader.Builder(key.series().algorithm()).keyID(key.kid());
        if (typ != null) {
            header.type(new JOSEObjectType(typ));
        }
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(signer(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** An access token as identity signs them: the {@link KeySeries#TOKENS} key, {@code typ: at+jwt}. */
    public static String accessToken(SigningKeyRing ring, JWTClaimsSet claims) {
        return sign(ring.current(KeySeries.TOKENS), claims, "at+jwt");
    }

    static JWSSigner signer(ActiveSigningKey key) {
        return switch (key.series()) {
            case AGENCY_ASSERTIONS -> new RSASSASigner(key.privateKey());
            case TOKENS -> new JWSSigner() {
                private final JCAContext jca = new JCAContext();

                @Override
                public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
                    try {
                        return Base64URL.encode(Ed25519.jdk().sign(key.privateKey(), signingInput));
                    } catch (GeneralSecurityException e) {
                        throw new JOSEException(e.getMessage(), e);
                    }
                }

                @Override
                public Set<JWSAlgorithm> supportedJWSAlgorithms() {
                    return Set.of(JWSAlgorithm.EdDSA);
                }

                @Override
                public JCAContext getJCAContext() {
                    return jca;
                }
            };
        };
    }
}
