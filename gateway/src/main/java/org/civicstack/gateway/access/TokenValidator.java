package org.civicstack.gateway.access;

import java.text.ParseException;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Verifies citizen access tokens locally: signature with identity's key for the header's {@code kid} (the
 * algorithm must be one the key allows), {@code typ: at+jwt} (RFC 9068), {@code iss}, {@code aud} containing
 * {@value #AUDIENCE}, {@code exp}/{@code nbf} within the clock skew, {@code client_type} {@value #CITIZEN_APP},
 * a {@code sub}. Verified tokens are cached by their string until they expire, so a repeat costs one hash lookup:
 * no JSON parse, no signature.
 */
public final class TokenValidator {

    static final String AUDIENCE = "civicstack";
    static final String CITIZEN_APP = "citizen_app";
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final int MAX_TOKEN_LENGTH = 8 * 1024;

    private final KeySource keys;
    private final JwsVerifiers verifiers;
    private final String issuer;
    private final long skewMillis;
    private final LongSupplier clockMillis;
    private final ExpiringCache<Bearer, Verified> verified;

    /**
     * A verified token and its string as first seen: later requests with the same token find this instance, so
     * whatever is keyed by it downstream (the assertion cache) compares by reference and hashes it once.
     */
    public record Verified(CitizenToken token, String bearer) {
    }

    /**
     * A token string as the verified cache's key, hashed over its last {@value #HASHED_TAIL} characters only: the
     * signature's, different for every token. A full hash would read the whole kilobyte of every request's token
     * (Java 17's {@code String.hashCode} is a scalar loop: ~1.5 % of the gateway's CPU with citizen tokens);
     * equality still compares every character. Only verified tokens are ever stored, so nobody can fill a bucket
     * with look-alikes.
     */
    static final class Bearer {
        static final int HASHED_TAIL = 32;
        private final String token;
        private final int hash;

        Bearer(String token) {
            this.token = token;
            int h = token.length();
            for (int i = Math.max(0, token.length() - HASHED_TAIL); i < token.length(); i++) {
                h = 31 * h + token.charAt(i);
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bearer that && hash == that.hash && token.equals(that.token);
        }
    }

    public TokenValidator(KeySource keys, String issuer, Duration clockSkew, int cacheSize) {
        this(keys, new JwsVerifiers(), issuer, clockSkew, cacheSize, System::currentTimeMillis);
    }

    TokenValidator(KeySource keys, JwsVerifiers verifiers, String issuer, Duration clockSkew, int cacheSize,
            LongSupplier clockMillis) {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalStateException("civicstack.gateway.access.issuer is not set");
        }
        this.keys = keys;
        this.verifiers = verifiers;
        this.issuer = issuer;
        this.skewMillis = clockSkew.toMillis();
        this.clockMillis = clockMillis;
        this.verified = new ExpiringCache<>(cacheSize, clockMillis);
    }

    /** The cached check of {@code token}, or {@code null} when it has not been verified (or has expired since). */
    public CitizenToken cached(String token) {
        Verified hit = cachedWithBearer(token);
        return hit == null ? null : hit.token();
    }

    /** Like {@link #cached}, with the token string as first verified. */
    public Verified cachedWithBearer(String token) {
        return verified.get(new Bearer(token));
    }

    /** Checks {@code token}; completes at once unless the key is unknown and a JWKS refresh has to be waited for. */
    public CompletableFuture<TokenCheck> check(String token) {
        CitizenToken hit = cached(token);
        if (hit != null) {
            return CompletableFuture.completedFuture(new TokenCheck.Valid(hit));
        }
        return verifyAndCache(token);
    }

    /** The full check (parse, key, signature, claims), caching a valid token; the benchmark's cold path. */
    CompletableFuture<TokenCheck> verifyAndCache(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            return invalid("The access token is too long.");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException malformed) {
            return invalid("The access token is not a signed JWT.");
        }
        JWSHeader header = jwt.getHeader();
        if (!AT_JWT.equals(header.getType())) {
            return invalid("The token is not an access token (typ at+jwt).");
        }
        String kid = header.getKeyID();
        if (kid == null) {
            return invalid("The access token names no signing key.");
        }
        CompletableFuture<JWK> key = keys.key(kid);
        if (key.isDone()) {
            return CompletableFuture.completedFuture(verify(token, jwt, key.getNow(null)));
        }
        return key.handle((jwk, error) -> verify(token, jwt, error != null ? null : jwk));
    }

    private TokenCheck verify(String token, SignedJWT jwt, JWK jwk) {
        if (jwk == null) {
            return new TokenCheck.Invalid("The access token is signed with an unknown key.");
        }
        JWSHeader header = jwt.getHeader();
        if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(header.getAlgorithm().getName())) {
            return new TokenCheck.Invalid("The access token's algorithm does not match its key.");
        }
        if (jwk.getKeyUse() != null && !"sig".equals(jwk.getKeyUse().identifier())) {
            return new TokenCheck.Invalid("The access token is signed with a key not meant for signatures.");
        }
        JWSVerifier verifier = verifiers.forKey(jwk);
        if (verifier == null || !verifier.supportedJWSAlgorithms().contains(header.getAlgorithm())) {
            return new TokenCheck.Invalid("The access token's algorithm is not accepted.");
        }
        try {
            if (!jwt.verify(verifier)) {
                return new TokenCheck.Invalid("The access token's signature is not valid.");
            }
        } catch (JOSEException | RuntimeException broken) {
            return new TokenCheck.Invalid("The access token's signature is not valid.");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException malformed) {
            return new TokenCheck.Invalid("The access token's claims are not a JSON object.");
        }
        return checkClaims(token, claims);
    }

    private TokenCheck checkClaims(String token, JWTClaimsSet claims) {
        long now = clockMillis.getAsLong();
        if (!issuer.equals(claims.getIssuer())) {
            return new TokenCheck.Invalid("The access token is from another issuer.");
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(AUDIENCE)) {
            return new TokenCheck.Invalid("The access token is not meant for the platform.");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || now >= exp.getTime() + skewMillis) {
            return new TokenCheck.Invalid("The access token has expired.");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now < nbf.getTime() - skewMillis) {
            return new TokenCheck.Invalid("The access token is not valid yet.");
        }
        try {
            if (!CITIZEN_APP.equals(claims.getStringClaim("client_type"))) {
                return new TokenCheck.Invalid("The access token was not issued to the citizen app.");
            }
            String subject = claims.getSubject();
            if (subject == null || subject.isBlank()) {
                return new TokenCheck.Invalid("The access token names no citizen.");
            }
            Date iat = claims.getIssueTime();
            if (iat == null) {
                return new TokenCheck.Invalid("The access token has no iat.");
            }
            CitizenToken citizen = new CitizenToken(subject, claims.getStringClaim("client_id"),
                    scopesOf(claims.getClaim("scope")), AssuranceLevels.levelOf(claims.getStringClaim("acr")),
                    claims.getJWTID(), claims.getStringClaim("sid"), exp.getTime(), iat.getTime());
            verified.put(new Bearer(token), new Verified(citizen, token), exp.getTime() + skewMillis);
            return new TokenCheck.Valid(citizen);
        } catch (ParseException wrongType) {
            return new TokenCheck.Invalid("The access token has a claim of the wrong type.");
        }
    }

    /** {@code scope} as RFC 9068 writes it (one space-separated string) or as a JSON array. */
    static Set<String> scopesOf(Object claim) {
        Set<String> scopes = new HashSet<>();
        if (claim instanceof String text) {
            for (String scope : text.trim().split(" +")) {
                if (!scope.isEmpty()) {
                    scopes.add(scope);
                }
            }
        } else if (claim instanceof Collection<?> list) {
            for (Object scope : list) {
                if (scope instanceof String s && !s.isBlank()) {
                    scopes.add(s);
                }
            }
        }
        return scopes;
    }

    private static CompletableFuture<TokenCheck> invalid(String reason) {
        return CompletableFuture.completedFuture(new TokenCheck.Invalid(reason));
    }
}
