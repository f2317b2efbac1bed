package org.civicstack.identity.keys;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * The one {@link JwtEncoder} of identity (Spring Authorization Server picks it up for access and ID tokens; token
 * exchange assertions use it too): signs with the key of the {@link SigningKeyRing} that signs now, whatever the
 * caller put in the header, and writes that key's {@code kid} and algorithm into the header. So during a rotation,
 * when two keys with the same algorithm are published, the encoder never has to guess, and no caller needs to know
 * which key is current. Other header members ({@code typ}, …) are kept.
 */
public class RotatingJwtEncoder implements JwtEncoder {

    private final SigningKeyRing ring;
    private final NimbusJwtEncoder delegate;

    public RotatingJwtEncoder(SigningKeyRing ring) {
        this.ring = ring;
        this.delegate = new NimbusJwtEncoder(ring);
    }

    @Override
    public Jwt encode(JwtEncoderParameters parameters) {
        ActiveSigningKey key = ring.current();
        SignatureAlgorithm algorithm = SignatureAlgorithm.from(key.algorithm().getName());
        JwsHeader requested = parameters.getJwsHeader();
        JwsHeader.Builder header = requested == null ? JwsHeader.with(algorithm) : JwsHeader.from(requested);
        header.algorithm(algorithm).keyId(key.kid());
        return delegate.encode(JwtEncoderParameters.from(header.build(), parameters.getClaims()));
    }
}
