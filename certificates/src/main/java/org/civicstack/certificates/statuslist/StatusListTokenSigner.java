package org.civicstack.certificates.statuslist;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.civicstack.certificates.keys.CredentialSigningKeys;
import org.civicstack.certificates.keys.SigningKey;

/** Signs {@link StatusListToken}s as JWTs ({@code typ: statuslist+jwt}, {@code kid} of the current credential key). */
public final class StatusListTokenSigner {

    private final CredentialSigningKeys keys;

    public StatusListTokenSigner(CredentialSigningKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** The compact JWS of {@code token}. */
    public String sign(StatusListToken token) {
        SigningKey key = keys.current();
        Map<String, Object> statusList = new LinkedHashMap<>();
        statusList.put("bits", (long) token.list().bits());
        statusList.put("lst", token.list().encode());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(token.uri().toString())
                .issueTime(java.util.Date.from(token.issuedAt()))
                .claim("status_list", statusList);
        if (token.expiresAt() != null) {
            claims.expirationTime(java.util.Date.from(token.expiresAt()));
        }
        if (token.timeToLive() != null) {
            claims.claim("ttl", token.timeToLive().toSeconds());
        }
        JWSHeader header = new JWSHeader.Builder(key.algorithm())
                .type(new JOSEObjectType(StatusListToken.TYPE))
                .keyID(key.keyId())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a status list token", e);
        }
        return jwt.serialize();
    }
}
