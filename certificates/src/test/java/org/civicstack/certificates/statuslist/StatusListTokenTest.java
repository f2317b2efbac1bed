package org.civicstack.certificates.statuslist;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;

import org.civicstack.certificates.keys.InMemoryCredentialSigningKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusListTokenTest {

    private static final URI LIST = URI.create("https://certificates.civicstack.example/v1/status-lists/1");
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    private final InMemoryCredentialSigningKeys keys = new InMemoryCredentialSigningKeys();
    private final StatusListTokenSigner signer = new StatusListTokenSigner(keys);

    private StatusListTokenVerifier verifierAt(Instant now) {
        return new StatusListTokenVerifier(keys::verificationKeys, Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(60));
    }

    private static StatusListToken exampleToken() {
        return new StatusListToken(LIST, NOW, NOW.plus(Duration.ofDays(1)), Duration.ofHours(12),
                StatusList.decode("eNrbuRgAAhcBXQ", 1));
    }

    @Test
    void signedTokenHasTheDraftsHeaderAndClaims() throws Exception {
        SignedJWT jwt = SignedJWT.parse(signer.sign(exampleToken()));
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("statuslist+jwt");
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.current().keyId());
        Map<String, Object> claims = jwt.getPayload().toJSONObject();
        assertThat(claims).containsEntry("sub", LIST.toString())
                .containsEntry("iat", NOW.getEpochSecond())
                .containsEntry("exp", NOW.plus(Duration.ofDays(1)).getEpochSecond())
                .containsEntry("ttl", 43_200L)
                .containsEntry("status_list", Map.of("bits", 1L, "lst", "eNrbuRgAAhcBXQ"));
    }

    @Test
    void verifiedTokenGivesBackTheList() {
        StatusListToken token = verifierAt(NOW.plusSeconds(30)).verify(signer.sign(exampleToken()), LIST);
        assertThat(token.list()).isEqualTo(exampleToken().list());
        assertThat(token.timeToLive()).isEqualTo(Duration.ofHours(12));
        assertThat(token.issuedAt()).isEqualTo(NOW);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() {
        String foreign = new StatusListTokenSigner(new InMemoryCredentialSigningKeys()).sign(exampleToken());
        assertThatThrownBy(() -> verifierAt(NOW).verify(foreign, LIST))
                .isInstanceOf(StatusListException.class).extracting("code").isEqualTo("signature_invalid");
    }

    @Test
    void aTokenWithAlteredListIsRefused() throws Exception {
        String[] parts = signer.sign(exampleToken()).split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("eNrbuRgAAhcBXQ", "eNo76fITAAPfAgc");
        String altered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];
        assertThatThrownBy(() -> verifierAt(NOW).verify(altered, LIST)).extracting("code").isEqualTo("signature_invalid");
    }

    @Test
    void aTokenForAnotherListIsRefused() {
        assertThatThrownBy(() -> verifierAt(NOW).verify(signer.sign(exampleToken()), URI.create("https://elsewhere.example/2")))
                .extracting("code").isEqualTo("subject_mismatch");
    }

    @Test
    void anExpiredTokenIsRefused() {
        assertThatThrownBy(() -> verifierAt(NOW.plus(Duration.ofDays(1)).plusSeconds(61)).verify(signer.sign(exampleToken()), LIST))
                .extracting("code").isEqualTo("expired");
    }

    @Test
    void tokensSignedBeforeARotationStillVerify() throws Exception {
        String before = signer.sign(exampleToken());
        keys.rotate();
        assertThat(verifierAt(NOW).verify(before, LIST).list()).isEqualTo(exampleToken().list());
        assertThat(SignedJWTs.kid(signer.sign(exampleToken()))).isEqualTo(keys.current().keyId());
    }

    @Test
    void aJwtOfAnotherTypeIsRefused() throws Exception {
        String token = signer.sign(exampleToken());
        String[] parts = token.split("\\.");
        String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + keys.current().keyId() + "\"}";
        String retyped = Base64URL.encode(header) + "." + parts[1] + "." + parts[2];
        assertThatThrownBy(() -> verifierAt(NOW).verify(retyped, LIST)).extracting("code").isEqualTo("wrong_type");
    }

    @Test
    void fetchingResolverChecksTheFetchedToken() {
        String token = signer.sign(exampleToken());
        StatusListResolver online = StatusListResolver.fetching(uri -> token, verifierAt(NOW));
        assertThat(online.resolve(LIST).get(0)).isEqualTo(1);
        StatusListResolver failing = StatusListResolver.fetching(uri -> { throw new IllegalStateException("timeout"); }, verifierAt(NOW));
        assertThatThrownBy(() -> failing.resolve(LIST)).extracting("code").isEqualTo("unavailable");
    }

    static final class SignedJWTs {
        static String kid(String jwt) throws java.text.ParseException {
            return SignedJWT.parse(jwt).getHeader().getKeyID();
        }
    }

    private String signRaw(String payloadJson) throws Exception {
        SignedJWT jwt = new SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256)
                .type(new com.nimbusds.jose.JOSEObjectType("statuslist+jwt")).keyID(keys.current().keyId()).build(),
                com.nimbusds.jwt.JWTClaimsSet.parse(payloadJson));
        jwt.sign(keys.current().signer());
        return jwt.serialize();
    }

    @Test
    void aTokenWithoutIatOrWithAnUnreadableListIsMalformed() throws Exception {
        String noIat = signRaw("{\"sub\":\"" + LIST + "\",\"status_list\":{\"bits\":1,\"lst\":\"eNrbuRgAAhcBXQ\"}}");
        assertThatThrownBy(() -> verifierAt(NOW).verify(noIat, LIST)).extracting("code").isEqualTo("malformed");
        String badBits = signRaw("{\"sub\":\"" + LIST + "\",\"iat\":" + NOW.getEpochSecond() + ",\"status_list\":{\"bits\":3,\"lst\":\"eNrbuRgAAhcBXQ\"}}");
        assertThatThrownBy(() -> verifierAt(NOW).verify(badBits, LIST)).extracting("code").isEqualTo("malformed");
        String badLst = signRaw("{\"sub\":\"" + LIST + "\",\"iat\":" + NOW.getEpochSecond() + ",\"status_list\":{\"bits\":1,\"lst\":\"AAAA\"}}");
        assertThatThrownBy(() -> verifierAt(NOW).verify(badLst, LIST)).extracting("code").isEqualTo("malformed");
        String badTtl = signRaw("{\"sub\":\"" + LIST + "\",\"iat\":" + NOW.getEpochSecond() + ",\"ttl\":-5,\"status_list\":{\"bits\":1,\"lst\":\"eNrbuRgAAhcBXQ\"}}");
        assertThatThrownBy(() -> verifierAt(NOW).verify(badTtl, LIST)).extracting("code").isEqualTo("malformed");
        String fine = signRaw("{\"sub\":\"" + LIST + "\",\"iat\":" + NOW.getEpochSecond() + ",\"status_list\":{\"bits\":1,\"lst\":\"eNrbuRgAAhcBXQ\"}}");
        assertThat(verifierAt(NOW).verify(fine, LIST).expiresAt()).isNull();
    }

    @Test
    void aTokenIssuedInTheFutureIsRefused() {
        StatusListToken future = new StatusListToken(LIST, NOW.plus(Duration.ofHours(1)), null, null, exampleToken().list());
        assertThatThrownBy(() -> verifierAt(NOW).verify(signer.sign(future), LIST)).extracting("code").isEqualTo("malformed");
    }
}
