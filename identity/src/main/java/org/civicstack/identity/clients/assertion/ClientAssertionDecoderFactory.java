package org.civicstack.identity.clients.assertion;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Verifies {@code private_key_jwt} client assertions (RFC 7523 §3, FAPI 2.0) in place of Spring Authorization
 * Server's {@code JwtClientAssertionDecoderFactory}, whose JWKS fetch has no address policy and follows redirects.
 * An assertion is accepted when, in this order:
 * <ol>
 *   <li>it is a JWS signed with PS256 or ES256 (RS256 and everything else are refused; no client used RS256 here);</li>
 *   <li>the signature verifies with one of the client's keys ({@link ClientKeys}: inline, or its JWKS URI fetched
 *       under the upstream network policy, one refetch on an unknown {@code kid});</li>
 *   <li>{@code iss} and {@code sub} are the client id, {@code aud} contains the issuer or the token endpoint URL;</li>
 *   <li>{@code exp} is present, not past and at most {@link ClientAssertionProperties#maxLifetime()} ahead;
 *       {@code nbf} and {@code iat}, when present, not in the future (all with the clock skew);</li>
 *   <li>{@code jti} is present and this client has not used it before ({@link ClientAssertionJtis}) — checked last, so
 *       a refused assertion does not use up its {@code jti}.</li>
 * </ol>
 * Every refusal is a {@link JwtException}, which the authentication provider answers with {@code invalid_client}.
 */
public final class ClientAssertionDecoderFactory implements JwtDecoderFactory<RegisteredClient> {

    static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.PS256, JWSAlgorithm.ES256);
    private static final int MAX_JTI_LENGTH = 256;

    private final ClientKeys keys;
    private final ClientAssertionJtis jtis;
    private final ClientAssertionProperties properties;
    private final Supplier<List<String>> audiences;
    private final Clock clock;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    /**
     * @param audiences the values {@code aud} may take: the issuer and the token endpoint URL (a supplier, since the
     *        issuer is configuration and this factory is built before the authorization server context exists)
     */
    public ClientAssertionDecoderFactory(ClientKeys keys, ClientAssertionJtis jtis, ClientAssertionProperties properties,
            Supplier<List<String>> audiences, Clock clock) {
        this.keys = keys;
        this.jtis = jtis;
        this.properties = properties;
        this.audiences = audiences;
        this.clock = clock;
    }

    @Override
    public JwtDecoder createDecoder(RegisteredClient client) {
        return token -> decode(client, token);
    }

    private Jwt decode(RegisteredClient client, String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new BadJwtException("client assertion is not a signed JWT");
        }
        JWSHeader header = jwt.getHeader();
        if (!ALLOWED.contains(header.getAlgorithm())) {
            throw new BadJwtException("client assertion must be signed with PS256 or ES256");
        }
        verifySignature(client, jwt);
        String clientId = client.getClientId();
        if (!clientId.equals(claims.getIssuer()) || !clientId.equals(claims.getSubject())) {
            throw new BadJwtException("client assertion iss and sub must be the client id");
        }
        List<String> allowedAudiences = audiences.get();
        if (claims.getAudience() == null || claims.getAudience().stream().noneMatch(allowedAudiences::contains)) {
            throw new BadJwtException("client assertion aud must be the issuer or the token endpoint");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new BadJwtException("client assertion needs exp");
        }
        Instant expiresAt = exp.toInstant();
        if (expiresAt.isBefore(now.minus(properties.clockSkew()))) {
            throw new BadJwtException("client assertion has expired");
        }
        if (expiresAt.isAfter(now.plus(properties.maxLifetime()).plus(properties.clockSkew()))) {
            throw new BadJwtException("client assertion exp is more than " + properties.maxLifetime() + " ahead");
        }
        Instant latest = now.plus(properties.clockSkew());
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(latest)) {
            throw new BadJwtException("client assertion is not valid yet");
        }
        if (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(latest)) {
            throw new BadJwtException("client assertion is issued in the future");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank() || jti.length() > MAX_JTI_LENGTH) {
            throw new BadJwtException("client assertion needs a jti of at most " + MAX_JTI_LENGTH + " characters");
        }
        if (!jtis.firstUse(clientId, jti, expiresAt)) {
            throw new BadJwtException("client assertion jti was used before");
        }
        return toJwt(token, header, claims);
    }

    private void verifySignature(RegisteredClient client, SignedJWT jwt) {
        List<JWK> candidates;
        try {
            candidates = keys.candidates(client, jwt.getHeader());
        } catch (JwksFetchException e) {
            throw new BadJwtException("client keys unavailable: " + e.getMessage(), e);
        }
        for (JWK key : candidates) {
            if (!(key instanceof AsymmetricJWK asymmetric)) {
                continue;
            }
            try {
                JWSVerifier verifier = verifiers.createJWSVerifier(jwt.getHeader(), asymmetric.toPublicKey());
                if (jwt.verify(verifier)) {
                    return;
                }
            } catch (JOSEException e) {
                // this key cannot verify this algorithm; try the next
            }
        }
        throw new BadJwtException("client assertion signature does not verify with the client's keys");
    }

    private static Jwt toJwt(String token, JWSHeader header, JWTClaimsSet claims) {
        Map<String, Object> values = new LinkedHashMap<>();
        claims.getClaims().forEach((name, value) -> values.put(name, value instanceof Date date ? date.toInstant() : value));
        return Jwt.withTokenValue(token)
                .headers(headers -> headers.putAll(header.toJSONObject()))
                .claims(all -> all.putAll(values))
                .build();
    }
}
