package org.civicstack.certificates.sdjwt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.authlete.sd.Disclosure;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.civicstack.certificates.keys.Es256;

/**
 * The holder's side (what the citizen wallet does; here for tests, the interop check and a server-held wallet): keep
 * only the disclosures of the chosen claims and append a key-binding JWT ({@code typ: kb+jwt}, ES256 with the holder
 * key, {@code iat}, {@code aud}, {@code nonce}, {@code sd_hash} over everything before it).
 */
public final class SdJwtPresenter {

    private SdJwtPresenter() {
    }

    /**
     * @param issued    the compact SD-JWT as issued ({@code jwt~d1~…~dn~})
     * @param disclose  names of the top-level claims to reveal; others' disclosures are left out
     * @param holderKey the holder's P-256 private key (its public half is the credential's {@code cnf.jwk})
     * @return {@code jwt~chosen disclosures~kb-jwt}
     */
    public static String present(String issued, Set<String> disclose, ECKey holderKey, String audience, String nonce, Instant now) {
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(nonce, "nonce");
        String[] parts = issued.split("~", -1);
        if (parts.length < 2 || !parts[parts.length - 1].isEmpty()) {
            throw new IllegalArgumentException("not an issued SD-JWT (jwt~disclosures~)");
        }
        List<String> chosen = new ArrayList<>();
        for (int i = 1; i < parts.length - 1; i++) {
            Disclosure disclosure = Disclosure.parse(parts[i]);
            if (disclosure.getClaimName() != null && disclose.contains(disclosure.getClaimName())) {
                chosen.add(parts[i]);
            }
        }
        StringBuilder presented = new StringBuilder(parts[0]).append('~');
        chosen.forEach(d -> presented.append(d).append('~'));
        return presented + keyBinding(presented.toString(), holderKey, audience, nonce, now);
    }

    /** The key-binding JWT for {@code presented} (which ends with {@code ~}). */
    public static String keyBinding(String presented, ECKey holderKey, String audience, String nonce, Instant now) {
        JWSHeader header = new JWSHeader.Builder(Es256.ALGORITHM).type(new JOSEObjectType(SdJwts.KB_TYPE)).build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issueTime(Date.from(now))
                .audience(audience)
                .claim("nonce", nonce)
                .claim("sd_hash", SdJwts.digest(presented))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(Es256.signer(holderKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the key-binding JWT", e);
        }
        return jwt.serialize();
    }
}
