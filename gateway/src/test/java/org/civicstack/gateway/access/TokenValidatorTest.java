package org.civicstack.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.gateway.access.CitizenTokens.ISSUER;
import static org.civicstack.gateway.access.CitizenTokens.claims;
import static org.civicstack.gateway.access.CitizenTokens.sign;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.Test;

class TokenValidatorTest {

    static final RSAKey KEY = CitizenTokens.newKey("k1");
    static final RSAKey OTHER = CitizenTokens.newKey("k1");
    static final CitizenTokens.Ed25519Key ED = CitizenTokens.newEd25519Key("e1");
    static final CitizenTokens.Ed25519Key OTHER_ED = CitizenTokens.newEd25519Key("e1");

    final AtomicLong now = new AtomicLong(1_767_225_600_000L);
    final AtomicInteger keyLookups = new AtomicInteger();
    KeySource keys = kid -> {
        keyLookups.incrementAndGet();
        return CompletableFuture.completedFuture(kid.equals("k1") ? (JWK) KEY.toPublicJWK()
                : kid.equals("e1") ? ED.jwk() : null);
    };
    TokenValidator validator = new TokenValidator(kid -> keys.key(kid), new JwsVerifiers(), ISSUER,
            Duration.ofSeconds(30), 100, now::get);

    TokenCheck check(String token) {
        return validator.check(token).join();
    }

    String reasonOf(String token) {
        TokenCheck result = check(token);
        assertThat(result).isInstanceOf(TokenCheck.Invalid.class);
        return ((TokenCheck.Invalid) result).reason();
    }

    @Test
    void aValidTokenYieldsTheCitizenItNames() {
        var claims = claims(now.get(), 2).claim("scope", "openid svc:read").build();

        TokenCheck result = check(sign(KEY, claims));

        assertThat(result).isInstanceOfSatisfying(TokenCheck.Valid.class, valid -> {
            CitizenToken citizen = valid.token();
            assertThat(citizen.subject()).isEqualTo(claims.getSubject());
            assertThat(citizen.assuranceLevel()).isEqualTo(2);
            assertThat(citizen.scopes()).containsExactlyInAnyOrder("openid", "svc:read");
            assertThat(citizen.jti()).isEqualTo(claims.getJWTID());
            assertThat(citizen.sid()).isEqualTo(claims.getClaim("sid"));
            assertThat(citizen.clientId()).isEqualTo("civicstack-app");
            assertThat(citizen.expiresAtMillis()).isEqualTo(claims.getExpirationTime().getTime());
        });
    }

    @Test
    void anEdDsaTokenAsIdentitySignsThemIsVerifiedThroughTheNativeProvider() {
        var claims = claims(now.get(), 2).build();

        assertThat(check(CitizenTokens.sign(ED, claims))).isInstanceOfSatisfying(TokenCheck.Valid.class,
                valid -> assertThat(valid.token().subject()).isEqualTo(claims.getSubject()));
    }

    @Test
    void anEdDsaTokenTamperedOrSignedByAnotherKeyWithTheSameKidIsRejected() {
        assertThat(reasonOf(CitizenTokens.sign(OTHER_ED, claims(now.get(), 1).build()))).contains("signature");
        String[] parts = CitizenTokens.sign(ED, claims(now.get(), 1).build()).split("\\.");
        String otherClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(now.get(), 3).build().toString().getBytes());
        assertThat(reasonOf(parts[0] + "." + otherClaims + "." + parts[2])).contains("signature");
        assertThat(reasonOf(parts[0] + "." + parts[1] + "." + parts[2].substring(4))).contains("signature");
    }

    @Test
    void aPs256HeaderNamingTheEd25519KeyIsRejected() {
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).build(), h -> h.keyID("e1")))).contains("algorithm");
    }

    @Test
    void aRepeatIsAnsweredFromTheCacheWithoutTheKey() {
        String token = CitizenTokens.token(KEY, now.get(), 1);
        assertThat(check(token)).isInstanceOf(TokenCheck.Valid.class);
        int lookups = keyLookups.get();

        assertThat(check(new String(token.toCharArray()))).isInstanceOf(TokenCheck.Valid.class);
        assertThat(keyLookups.get()).isEqualTo(lookups);
        assertThat(validator.cached(token)).isNotNull();
    }

    @Test
    void aRepeatFindsTheTokenStringAsFirstVerifiedSoKeysHoldingItCompareByReference() {
        String token = CitizenTokens.token(KEY, now.get(), 1);
        assertThat(check(token)).isInstanceOf(TokenCheck.Valid.class);

        String sameCharacters = new String(token.toCharArray());
        TokenValidator.Verified hit = validator.cachedWithBearer(sameCharacters);
        assertThat(hit).isNotNull();
        assertThat(hit.bearer()).isSameAs(token).isNotSameAs(sameCharacters);
        assertThat(hit.token()).isSameAs(validator.cached(token));
    }

    @Test
    void tokensThatShareTheirHashedTailAreStillTwoKeys() {
        String tail = "x".repeat(TokenValidator.Bearer.HASHED_TAIL);
        TokenValidator.Bearer a = new TokenValidator.Bearer("aaaa." + tail);
        TokenValidator.Bearer b = new TokenValidator.Bearer("bbbb." + tail);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isEqualTo(new TokenValidator.Bearer(new String(("aaaa." + tail).toCharArray())));
        // and a token string verified once is not found by another with the same signature part
        String token = CitizenTokens.token(KEY, now.get(), 1);
        assertThat(check(token)).isInstanceOf(TokenCheck.Valid.class);
        String[] parts = token.split("\\.");
        assertThat(validator.cached(parts[0] + "." + parts[1] + "x." + parts[2])).isNull();
    }

    @Test
    void aCachedTokenStopsBeingAcceptedWhenItExpires() {
        String token = CitizenTokens.token(KEY, now.get(), 1);
        assertThat(check(token)).isInstanceOf(TokenCheck.Valid.class);

        now.addAndGet(300_000 + 30_000);

        assertThat(reasonOf(token)).contains("expired");
    }

    @Test
    void aSignatureByAnotherKeyWithTheSameKidIsRejected() {
        assertThat(reasonOf(CitizenTokens.token(OTHER, now.get(), 1))).contains("signature");
    }

    @Test
    void aTamperedPayloadIsRejected() {
        String[] parts = CitizenTokens.token(KEY, now.get(), 1).split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("acr:1", "acr:3").getBytes());
        assertThat(reasonOf(parts[0] + "." + forged + "." + parts[2])).contains("signature");
    }

    @Test
    void theTypeMustBeAnAccessToken() {
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).build(), h -> h.type(JOSEObjectType.JWT)))).contains("at+jwt");
    }

    @Test
    void anUnknownKidIsRejected() {
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).build(), h -> h.keyID("k9")))).contains("unknown key");
    }

    @Test
    void anAlgorithmOtherThanTheKeysIsRejected() {
        // the key says PS256; a token claiming RS256 with the same key does not pass
        String rs256 = signWith(JWSAlgorithm.RS256);
        assertThat(reasonOf(rs256)).contains("algorithm");
    }

    private String signWith(JWSAlgorithm algorithm) {
        var header = new com.nimbusds.jose.JWSHeader.Builder(algorithm).type(new JOSEObjectType("at+jwt"))
                .keyID("k1").build();
        var jwt = new com.nimbusds.jwt.SignedJWT(header, claims(now.get(), 1).build());
        try {
            jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(KEY));
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    @Test
    void anUnsignedTokenIsRejected() {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}".getBytes());
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(now.get(), 3).build().toString().getBytes());
        assertThat(reasonOf(header + "." + payload + ".")).contains("signed JWT");
    }

    @Test
    void garbageIsRejected() {
        assertThat(reasonOf("not-a-jwt")).contains("signed JWT");
        assertThat(reasonOf("x".repeat(9000))).contains("too long");
    }

    @Test
    void anotherIssuerIsRejected() {
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).issuer("http://evil.test").build()))).contains("issuer");
    }

    @Test
    void theAudienceMustIncludeThePlatform() {
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).audience(List.of("payments")).build())))
                .contains("not meant for the platform");
    }

    @Test
    void expiryAndNotBeforeAllowTheClockSkewOnly() {
        assertThat(check(sign(KEY, claims(now.get(), 1).expirationTime(new java.util.Date(now.get() - 20_000)).build())))
                .isInstanceOf(TokenCheck.Valid.class);
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).expirationTime(new java.util.Date(now.get() - 31_000)).build())))
                .contains("expired");
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).notBeforeTime(new java.util.Date(now.get() + 31_000)).build())))
                .contains("not valid yet");
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).expirationTime(null).build()))).contains("expired");
    }

    @Test
    void onlyCitizenAppTokensAreAccepted() {
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).claim("client_type", "platform").build())))
                .contains("citizen app");
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).claim("client_type", null).build())))
                .contains("citizen app");
    }

    @Test
    void aTokenWithoutSubjectIsRejected() {
        assertThat(reasonOf(sign(KEY, claims(now.get(), 1).subject(null).build()))).contains("no citizen");
    }

    @Test
    void anUnknownAcrMeansLevelZero() {
        TokenCheck result = check(sign(KEY, claims(now.get(), 1).claim("acr", "urn:other:acr:3").build()));
        assertThat(((TokenCheck.Valid) result).token().assuranceLevel()).isZero();
    }

    @Test
    void scopesMayBeAStringOrAList() {
        assertThat(TokenValidator.scopesOf("a  b")).containsExactlyInAnyOrder("a", "b");
        assertThat(TokenValidator.scopesOf(List.of("a", "b"))).containsExactlyInAnyOrder("a", "b");
        assertThat(TokenValidator.scopesOf(null)).isEmpty();
    }
}
