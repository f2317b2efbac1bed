package org.civicstack.certificates.statuslist;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.civicstack.certificates.keys.Es256;

/**
 * Checks a Status List Token (draft-ietf-oauth-status-list-21 §8.3): {@code typ: statuslist+jwt}, an ES256
 * signature by a key of the issuer's JWKS (selected by {@code kid}), {@code sub} equal to the URI the credential
 * referenced, {@code iat} present, not expired ({@code exp}, with the clock skew), a well-formed {@code status_list}.
 */
public final class StatusListTokenVerifier {

    private final Supplier<JWKSet> issuerKeys;
    private final Clock clock;
    private final Duration clockSkew;

    /**
     * @param issuerKeys the issuer's current JWKS (asked on every call, so rotations are seen)
     * @param clockSkew  tolerance for {@code exp} and {@code iat} in the future
     */
    public StatusListTokenVerifier(Supplier<JWKSet> issuerKeys, Clock clock, Duration clockSkew) {
        this.issuerKeys = Objects.requireNonNull(issuerKeys, "issuerKeys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
    }

    /**
     * @param expectedUri the {@code status.status_list.uri} of the credential being checked
     * @throws StatusListException with a stable code if the token cannot be trusted
     */
    public StatusListToken verify(String jwt, URI expectedUri) {
        SignedJWT signed;
        JWTClaimsSet claims;
        try {
            signed = SignedJWT.parse(jwt);
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new StatusListException("malformed", "not a JWT: " + e.getMessage(), e);
        }
        if (!new JOSEObjectType(StatusListToken.TYPE).equals(signed.getHeader().getType())) {
            throw new StatusListException("wrong_type", "typ is not " + StatusListToken.TYPE);
        }
        checkSignature(signed);
        if (!expectedUri.toString().equals(claims.getSubject())) {
            throw new StatusListException("subject_mismatch", "sub " + claims.getSubject() + " is not " + expectedUri);
        }
        Instant now = clock.instant();
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw new StatusListException("malformed", "no iat");
        }
        if (iat.toInstant().isAfter(now.plus(clockSkew))) {
            throw new StatusListException("malformed", "iat in the future");
        }
        Date exp = claims.getExpirationTime();
        if (exp != null && !now.isBefore(exp.toInstant().plus(clockSkew))) {
            throw new StatusListException("expired", "status list token expired at " + exp.toInstant());
        }
        return new StatusListToken(expectedUri, iat.toInstant(), exp == null ? null : exp.toInstant(),
                ttl(claims), list(claims));
    }

    private void checkSignature(SignedJWT signed) {
        if (!Es256.ALGORITHM.equals(signed.getHeader().getAlgorithm())) {
            throw new StatusListException("signature_invalid", "alg " + signed.getHeader().getAlgorithm() + " not accepted");
        }
        JWK key = issuerKeys.get().getKeyByKeyId(signed.getHeader().getKeyID());
        if (!(key instanceof ECKey ecKey)) {
            throw new StatusListException("signature_invalid", "no issuer key " + signed.getHeader().getKeyID());
        }
        try {
            if (!signed.verify(Es256.verifier(ecKey))) {
                throw new StatusListException("signature_invalid", "status list token signature does not verify");
            }
        } catch (JOSEException e) {
            throw new StatusListException("signature_invalid", "status list token signature unusable: " + e.getMessage(), e);
        }
    }

    private static Duration ttl(JWTClaimsSet claims) {
        Object ttl = claims.getClaim("ttl");
        if (ttl == null) {
            return null;
        }
        if (!(ttl instanceof Number number) || number.longValue() <= 0 || number.doubleValue() != number.longValue()) {
            throw new StatusListException("malformed", "ttl is not a positive integer");
        }
        return Duration.ofSeconds(number.longValue());
    }

    private static StatusList list(JWTClaimsSet claims) {
        Map<String, Object> statusList;
        try {
            statusList = claims.getJSONObjectClaim("status_list");
        } catch (ParseException e) {
            throw new StatusListException("malformed", "status_list is not an object", e);
        }
        if (statusList == null || !(statusList.get("bits") instanceof Number bits) || !(statusList.get("lst") instanceof String lst)) {
            throw new StatusListException("malformed", "status_list needs bits and lst");
        }
        try {
            if (bits.doubleValue() != bits.intValue()) {
                throw new IllegalArgumentException("bits is not an integer");
            }
            return StatusList.decode(lst, bits.intValue());
        } catch (IllegalArgumentException e) {
            throw new StatusListException("malformed", e.getMessage(), e);
        }
    }
}
