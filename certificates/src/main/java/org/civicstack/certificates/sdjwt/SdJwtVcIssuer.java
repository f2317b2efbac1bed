package org.civicstack.certificates.sdjwt;

import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.authlete.sd.Disclosure;
import com.authlete.sd.SDObjectBuilder;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.civicstack.certificates.keys.CredentialSigningKeys;
import org.civicstack.certificates.keys.SigningKey;

/**
 * Issues SD-JWT VCs (RFC 9901, draft-ietf-oauth-sd-jwt-vc): header {@code typ: dc+sd-jwt}, {@code alg: ES256},
 * {@code kid} of the current key; payload {@code iss}, {@code vct}, {@code iat}, {@code exp}, optional {@code nbf},
 * {@code cnf.jwk} (holder key), optional {@code status.status_list}, the visible claims, and {@code _sd} digests
 * (sha-256, {@code _sd_alg}) of one disclosure per disclosable claim, each with a fresh 128-bit salt, plus
 * {@code decoyDigests} decoys so the number of hidden claims does not show. Thread-safe.
 */
public final class SdJwtVcIssuer {

    private final CredentialSigningKeys keys;
    private final int decoyDigests;

    public SdJwtVcIssuer(CredentialSigningKeys keys, int decoyDigests) {
        this.keys = Objects.requireNonNull(keys, "keys");
        if (decoyDigests < 0) {
            throw new IllegalArgumentException("decoyDigests must not be negative");
        }
        this.decoyDigests = decoyDigests;
    }

    public SdJwtVcIssuer(CredentialSigningKeys keys) {
        this(keys, 0);
    }

    public IssuedCredential issue(CredentialRequest request) {
        SDObjectBuilder payload = new SDObjectBuilder(SdJwts.SD_ALG);
        payload.putClaim("iss", request.issuer());
        payload.putClaim("vct", request.type());
        payload.putClaim("iat", request.issuedAt().getEpochSecond());
        payload.putClaim("exp", request.expiresAt().getEpochSecond());
        if (request.notBefore() != null) {
            payload.putClaim("nbf", request.notBefore().getEpochSecond());
        }
        payload.putClaim("cnf", Map.of("jwk", request.holderKey().toJSONObject()));
        if (request.status() != null) {
            payload.putClaim("status", request.status().toClaim());
        }
        request.visibleClaims().forEach(payload::putClaim);
        Map<String, String> disclosures = new LinkedHashMap<>();
        request.disclosableClaims().forEach((name, value) -> {
            Disclosure disclosure = payload.putSDClaim(name, value);
            disclosures.put(name, disclosure.getDisclosure());
        });
        if (decoyDigests > 0) {
            payload.putDecoyDigests(decoyDigests);
        }
        String jwt = sign(payload.build(true));
        StringBuilder serialized = new StringBuilder(jwt).append('~');
        disclosures.values().forEach(d -> serialized.append(d).append('~'));
        return new IssuedCredential(serialized.toString(), disclosures);
    }

    private String sign(Map<String, Object> payload) {
        SigningKey key = keys.current();
        JWSHeader header = new JWSHeader.Builder(key.algorithm())
                .type(new JOSEObjectType(SdJwts.TYPE))
                .keyID(key.keyId())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(header, JWTClaimsSet.parse(payload));
            jwt.sign(key.signer());
            return jwt.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("cannot sign a credential", e);
        }
    }
}
