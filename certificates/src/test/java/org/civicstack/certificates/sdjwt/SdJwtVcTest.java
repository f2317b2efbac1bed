package org.civicstack.certificates.sdjwt;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;

import org.civicstack.certificates.keys.Es256;
import org.civicstack.certificates.keys.InMemoryCredentialSigningKeys;
import org.civicstack.certificates.statuslist.StatusList;
import org.civicstack.certificates.statuslist.StatusListResolver;
import org.civicstack.certificates.statuslist.StatusReference;
import org.civicstack.certificates.statuslist.TokenStatus;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SdJwtVcTest {

    static final String ISSUER = "https://certificates.civicstack.example";
    static final String VCT = "https://credentials.civicstack.example/resident-permit";
    static final URI LIST = URI.create(ISSUER + "/v1/status-lists/1");
    static final String AUDIENCE = "https://agency.example/verifier";
    static final String NONCE = "n-0S6_WzA2Mj";
    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    final InMemoryCredentialSigningKeys issuerKeys = new InMemoryCredentialSigningKeys();
    final SdJwtVcIssuer issuer = new SdJwtVcIssuer(issuerKeys, 3);
    final ECKey holder = Es256.generate("holder");
    final StatusList statuses = StatusList.ofSize(1024, 2);

    CredentialRequest.Builder aResidentPermit() {
        return CredentialRequest.builder()
                .issuer(ISSUER).type(VCT)
                .issuedAt(NOW.minus(Duration.ofDays(1)))
                .expiresAt(NOW.plus(Duration.ofDays(365)))
                .holderKey(holder.toPublicJWK())
                .status(new StatusReference(7, LIST))
                .visible("issuing_authority", "Shenzhen Public Security Bureau")
                .disclosable("given_name", "Li")
                .disclosable("family_name", "Wei")
                .disclosable("birthdate", "1990-01-01")
                .disclosable("resident_id", "440300199001011234")
                .disclosable("address", Map.of("district", "Futian", "locality", "Shenzhen"))
                .disclosable("age_in_years", 36L);
    }

    SdJwtVcVerifier verifierAt(Instant now) {
        return new SdJwtVcVerifier(TrustedIssuers.of(ISSUER, issuerKeys::verificationKeys),
                StatusListResolver.of(Map.of(LIST, statuses)), Clock.fixed(now, ZoneOffset.UTC), VerificationPolicy.DEFAULT);
    }

    String present(IssuedCredential credential, String... claims) {
        return SdJwtPresenter.present(credential.serialized(), Set.of(claims), holder, AUDIENCE, NONCE, NOW.minusSeconds(5));
    }

    VerifiedCredential verify(String presentation) {
        return verifierAt(NOW).verify(presentation, AUDIENCE, NONCE);
    }

    static void assertFails(VerificationFailure failure, ThrowingCallable call) {
        CredentialVerificationException e = catchThrowableOfType(CredentialVerificationException.class, call);
        assertThat(e).as("expected %s", failure.code()).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(failure.code());
    }

    @Nested
    class Issuance {

        @Test
        void credentialHasTheVcHeaderAndRegisteredClaims() throws Exception {
            IssuedCredential credential = issuer.issue(aResidentPermit().notBefore(NOW.minus(Duration.ofDays(1))).build());
            SignedJWT jwt = SignedJWT.parse(credential.serialized().split("~")[0]);
            assertThat(jwt.getHeader().getType().getType()).isEqualTo("dc+sd-jwt");
            assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
            assertThat(jwt.getHeader().getKeyID()).isEqualTo(issuerKeys.current().keyId());
            Map<String, Object> payload = jwt.getPayload().toJSONObject();
            assertThat(payload).containsEntry("iss", ISSUER).containsEntry("vct", VCT)
                    .containsEntry("_sd_alg", "sha-256")
                    .containsEntry("iat", NOW.minus(Duration.ofDays(1)).getEpochSecond())
                    .containsEntry("nbf", NOW.minus(Duration.ofDays(1)).getEpochSecond())
                    .containsEntry("exp", NOW.plus(Duration.ofDays(365)).getEpochSecond())
                    .containsEntry("status", Map.of("status_list", Map.of("idx", 7L, "uri", LIST.toString())))
                    .containsEntry("cnf", Map.of("jwk", holder.toPublicJWK().toJSONObject()))
                    .containsEntry("issuing_authority", "Shenzhen Public Security Bureau")
                    .doesNotContainKeys("given_name", "resident_id", "birthdate");
            assertThat((List<?>) payload.get("_sd")).hasSize(6 + 3);
            assertThat(jwt.getPayload().toString()).doesNotContain("440300199001011234");
        }

        @Test
        void everyDisclosableClaimIsItsOwnDisclosure() {
            IssuedCredential credential = issuer.issue(aResidentPermit().build());
            assertThat(credential.disclosures()).containsOnlyKeys("given_name", "family_name", "birthdate", "resident_id",
                    "address", "age_in_years");
            String json = new String(Base64.getUrlDecoder().decode(credential.disclosures().get("resident_id")), StandardCharsets.UTF_8);
            assertThat(json).contains("\"resident_id\"").contains("\"440300199001011234\"");
            assertThat(credential.serialized().split("~", -1)).hasSize(1 + 6 + 1);
        }

        @Test
        void reservedNamesAndPrivateHolderKeysAreRefused() {
            assertThatThrownBy(() -> aResidentPermit().disclosable("iss", "x").build()).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> aResidentPermit().visible("cnf", "x").build()).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> aResidentPermit().holderKey(holder).build()).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Verification {

        @Test
        void disclosedClaimsAreReturnedAndUndisclosedOnesAreAbsent() {
            VerifiedCredential verified = verify(present(issuer.issue(aResidentPermit().build()), "given_name", "address", "age_in_years"));
            assertThat(verified.issuer()).isEqualTo(ISSUER);
            assertThat(verified.type()).isEqualTo(VCT);
            assertThat(verified.disclosed()).containsExactlyInAnyOrder("given_name", "address", "age_in_years");
            assertThat(verified.claims())
                    .containsEntry("given_name", "Li")
                    .containsEntry("address", Map.of("district", "Futian", "locality", "Shenzhen"))
                    .containsEntry("age_in_years", 36L)
                    .containsEntry("issuing_authority", "Shenzhen Public Security Bureau")
                    .doesNotContainKeys("family_name", "birthdate", "resident_id", "_sd", "_sd_alg");
            assertThat(verified.holderKey().toPublicJWK()).isEqualTo(holder.toPublicJWK());
            assertThat(verified.status()).isEqualTo(new StatusReference(7, LIST));
        }

        @Test
        void aPresentationWithNoDisclosuresVerifies() {
            VerifiedCredential verified = verify(present(issuer.issue(aResidentPermit().build())));
            assertThat(verified.disclosed()).isEmpty();
            assertThat(verified.claims()).doesNotContainKeys("given_name", "resident_id");
        }

        @Test
        void credentialsSignedBeforeAKeyRotationStillVerify() {
            IssuedCredential before = issuer.issue(aResidentPermit().build());
            issuerKeys.rotate();
            assertThat(verify(present(before, "given_name")).claims()).containsEntry("given_name", "Li");
        }

        @Test
        void credentialsWithoutStatusSkipTheStatusCheck() {
            IssuedCredential credential = issuer.issue(aResidentPermit().status(null).build());
            SdJwtVcVerifier noLists = new SdJwtVcVerifier(TrustedIssuers.of(ISSUER, issuerKeys::verificationKeys),
                    StatusListResolver.of(Map.of()), Clock.fixed(NOW, ZoneOffset.UTC), VerificationPolicy.DEFAULT);
            assertThat(noLists.verify(present(credential, "given_name"), AUDIENCE, NONCE).status()).isNull();
        }
    }

    @Nested
    class IssuerSignatureAndValidity {

        @Test
        void aCredentialFromAnotherIssuersKeyIsRefused() {
            IssuedCredential forged = new SdJwtVcIssuer(new InMemoryCredentialSigningKeys()).issue(aResidentPermit().build());
            assertFails(VerificationFailure.SIGNATURE_INVALID, () -> verify(present(forged, "given_name")));
        }

        @Test
        void aRetiredKeysCredentialsAreRefused() {
            IssuedCredential before = issuer.issue(aResidentPermit().build());
            String oldKid = issuerKeys.current().keyId();
            issuerKeys.rotate();
            issuerKeys.retire(oldKid);
            assertFails(VerificationFailure.SIGNATURE_INVALID, () -> verify(present(before, "given_name")));
        }

        @Test
        void anAlteredPayloadIsRefused() {
            String presentation = present(issuer.issue(aResidentPermit().build()), "given_name");
            String[] jws = presentation.substring(0, presentation.indexOf('~')).split("\\.");
            String payload = new String(Base64.getUrlDecoder().decode(jws[1]), StandardCharsets.UTF_8)
                    .replace("Shenzhen Public Security Bureau", "Anyone At All");
            String altered = jws[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                    + "." + jws[2] + presentation.substring(presentation.indexOf('~'));
            assertFails(VerificationFailure.SIGNATURE_INVALID, () -> verify(altered));
        }

        @Test
        void anUntrustedIssuerIsRefused() {
            IssuedCredential other = issuer.issue(aResidentPermit().issuer("https://evil.example").build());
            assertFails(VerificationFailure.ISSUER_UNTRUSTED, () -> verify(present(other, "given_name")));
        }

        @Test
        void anExpiredCredentialIsRefused() {
            String presentation = present(issuer.issue(aResidentPermit().expiresAt(NOW.minusSeconds(61)).build()), "given_name");
            assertFails(VerificationFailure.EXPIRED, () -> verify(presentation));
        }

        @Test
        void aCredentialWithinTheClockSkewOfExpiryStillVerifies() {
            String presentation = present(issuer.issue(aResidentPermit().expiresAt(NOW.minusSeconds(30)).build()), "given_name");
            assertThat(verify(presentation).claims()).containsKey("given_name");
        }

        @Test
        void aCredentialNotYetValidIsRefused() {
            String presentation = present(issuer.issue(aResidentPermit().notBefore(NOW.plus(Duration.ofHours(1))).build()), "given_name");
            assertFails(VerificationFailure.NOT_YET_VALID, () -> verify(presentation));
        }
    }

    @Nested
    class Disclosures {

        @Test
        void aTamperedDisclosureIsRefused() {
            IssuedCredential credential = issuer.issue(aResidentPermit().build());
            String original = credential.disclosures().get("given_name");
            String json = new String(Base64.getUrlDecoder().decode(original), StandardCharsets.UTF_8).replace("\"Li\"", "\"Zhang\"");
            String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
            String presented = credential.serialized().substring(0, credential.serialized().indexOf('~') + 1) + tampered + "~";
            String presentation = presented + SdJwtPresenter.keyBinding(presented, holder, AUDIENCE, NONCE, NOW);
            assertFails(VerificationFailure.DISCLOSURE_INVALID, () -> verify(presentation));
        }

        @Test
        void aDisclosureFromAnotherCredentialIsRefused() {
            IssuedCredential mine = issuer.issue(aResidentPermit().build());
            IssuedCredential someoneElses = issuer.issue(aResidentPermit().disclosable("given_name", "Zhang").build());
            String presented = mine.serialized().substring(0, mine.serialized().indexOf('~') + 1)
                    + someoneElses.disclosures().get("given_name") + "~";
            String presentation = presented + SdJwtPresenter.keyBinding(presented, holder, AUDIENCE, NONCE, NOW);
            assertFails(VerificationFailure.DISCLOSURE_INVALID, () -> verify(presentation));
        }

        @Test
        void aDisclosurePresentedTwiceIsRefused() {
            IssuedCredential credential = issuer.issue(aResidentPermit().build());
            String d = credential.disclosures().get("given_name");
            String presented = credential.serialized().substring(0, credential.serialized().indexOf('~') + 1) + d + "~" + d + "~";
            String presentation = presented + SdJwtPresenter.keyBinding(presented, holder, AUDIENCE, NONCE, NOW);
            assertFails(VerificationFailure.DISCLOSURE_INVALID, () -> verify(presentation));
        }

        @Test
        void aDisclosureThatIsNotBase64urlJsonIsRefused() {
            IssuedCredential credential = issuer.issue(aResidentPermit().build());
            String presented = credential.serialized().substring(0, credential.serialized().indexOf('~') + 1) + "bm90IGpzb24~";
            String presentation = presented + SdJwtPresenter.keyBinding(presented, holder, AUDIENCE, NONCE, NOW);
            assertFails(VerificationFailure.DISCLOSURE_INVALID, () -> verify(presentation));
        }
    }

    @Nested
    class KeyBinding {

        @Test
        void aPresentationWithoutKeyBindingIsRefused() {
            IssuedCredential credential = issuer.issue(aResidentPermit().build());
            assertFails(VerificationFailure.KEY_BINDING_MISSING, () -> verify(credential.serialized()));
        }

        @Test
        void aKeyBindingSignedByAnotherKeyIsRefused() {
            IssuedCredential credential = issuer.issue(aResidentPermit().build());
            String stolen = SdJwtPresenter.present(credential.serialized(), Set.of("given_name"), Es256.generate("thief"),
                    AUDIENCE, NONCE, NOW);
            assertFails(VerificationFailure.KEY_BINDING_INVALID, () -> verify(stolen));
        }

        @Test
        void aPresentationForAnotherVerifierIsRefused() {
            String presentation = SdJwtPresenter.present(issuer.issue(aResidentPermit().build()).serialized(), Set.of("given_name"),
                    holder, "https://other-agency.example", NONCE, NOW);
            assertFails(VerificationFailure.WRONG_AUDIENCE, () -> verify(presentation));
        }

        @Test
        void aReplayedPresentationWithAnOldNonceIsRefused() {
            String presentation = present(issuer.issue(aResidentPermit().build()), "given_name");
            assertFails(VerificationFailure.NONCE_MISMATCH, () -> verifierAt(NOW).verify(presentation, AUDIENCE, "a-new-nonce"));
        }

        @Test
        void aKeyBindingOlderThanTheFreshnessWindowIsRefused() {
            String presentation = present(issuer.issue(aResidentPermit().build()), "given_name");
            assertThat(verifierAt(NOW.plus(Duration.ofMinutes(5))).verify(presentation, AUDIENCE, NONCE)).isNotNull();
            assertFails(VerificationFailure.KEY_BINDING_STALE,
                    () -> verifierAt(NOW.plus(Duration.ofMinutes(7))).verify(presentation, AUDIENCE, NONCE));
        }

        @Test
        void aKeyBindingFromTheFutureIsRefused() {
            String presentation = SdJwtPresenter.present(issuer.issue(aResidentPermit().build()).serialized(), Set.of("given_name"),
                    holder, AUDIENCE, NONCE, NOW.plus(Duration.ofMinutes(10)));
            assertFails(VerificationFailure.KEY_BINDING_STALE, () -> verify(presentation));
        }

        @Test
        void removingADisclosureAfterKeyBindingBreaksTheSdHash() {
            IssuedCredential credential = issuer.issue(aResidentPermit().build());
            String presentation = present(credential, "given_name", "birthdate");
            String withoutBirthdate = presentation.replace(credential.disclosures().get("birthdate") + "~", "");
            assertThat(withoutBirthdate).isNotEqualTo(presentation);
            assertFails(VerificationFailure.SD_HASH_MISMATCH, () -> verify(withoutBirthdate));
        }

        @Test
        void aKeyBindingJwtOfAnotherTypeIsRefused() throws Exception {
            String presentation = present(issuer.issue(aResidentPermit().build()), "given_name");
            String presented = presentation.substring(0, presentation.lastIndexOf('~') + 1);
            com.nimbusds.jwt.JWTClaimsSet claims = SignedJWT.parse(presentation.substring(presentation.lastIndexOf('~') + 1)).getJWTClaimsSet();
            SignedJWT plainJwt = new SignedJWT(new com.nimbusds.jose.JWSHeader(Es256.ALGORITHM), claims);
            plainJwt.sign(Es256.signer(holder));
            assertFails(VerificationFailure.KEY_BINDING_INVALID, () -> verify(presented + plainJwt.serialize()));
        }
    }

    @Nested
    class Status {

        @Test
        void aRevokedCredentialIsRefused() {
            String presentation = present(issuer.issue(aResidentPermit().build()), "given_name");
            statuses.set(7, TokenStatus.INVALID);
            assertFails(VerificationFailure.REVOKED, () -> verify(presentation));
        }

        @Test
        void aSuspendedCredentialIsRefusedUntilReinstated() {
            String presentation = present(issuer.issue(aResidentPermit().build()), "given_name");
            statuses.set(7, TokenStatus.SUSPENDED);
            assertFails(VerificationFailure.SUSPENDED, () -> verify(presentation));
            statuses.set(7, TokenStatus.VALID);
            assertThat(verify(presentation).claims()).containsKey("given_name");
        }

        @Test
        void anotherEntryChangingDoesNotAffectThisCredential() {
            String presentation = present(issuer.issue(aResidentPermit().build()), "given_name");
            statuses.set(6, TokenStatus.INVALID);
            statuses.set(8, TokenStatus.SUSPENDED);
            assertThat(verify(presentation)).isNotNull();
        }

        @Test
        void anApplicationSpecificValueIsRefused() {
            String presentation = present(issuer.issue(aResidentPermit().build()), "given_name");
            statuses.set(7, 3);
            assertFails(VerificationFailure.STATUS_UNKNOWN, () -> verify(presentation));
        }

        @Test
        void anUnavailableListOrAnIndexOutsideItIsRefused() {
            String unknownList = present(issuer.issue(aResidentPermit().status(new StatusReference(7, URI.create(ISSUER + "/v1/status-lists/9"))).build()), "given_name");
            assertFails(VerificationFailure.STATUS_UNAVAILABLE, () -> verify(unknownList));
            String outside = present(issuer.issue(aResidentPermit().status(new StatusReference(5000, LIST)).build()), "given_name");
            assertFails(VerificationFailure.STATUS_UNAVAILABLE, () -> verify(outside));
        }
    }

    /** Credentials a (trusted but buggy or hostile) issuer could sign: re-signed with the issuer's key after a change. */
    @Nested
    class IssuerSignedAnomalies {

        private String resign(IssuedCredential credential, String typ, java.util.function.Consumer<Map<String, Object>> change) throws Exception {
            String serialized = credential.serialized();
            SignedJWT original = SignedJWT.parse(serialized.substring(0, serialized.indexOf('~')));
            Map<String, Object> payload = new java.util.LinkedHashMap<>(original.getPayload().toJSONObject());
            change.accept(payload);
            SignedJWT jwt = new SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(Es256.ALGORITHM)
                    .type(new com.nimbusds.jose.JOSEObjectType(typ)).keyID(issuerKeys.current().keyId()).build(),
                    com.nimbusds.jwt.JWTClaimsSet.parse(payload));
            jwt.sign(issuerKeys.current().signer());
            return jwt.serialize() + serialized.substring(serialized.indexOf('~'));
        }

        private String presentAll(String issued, String... claims) {
            return SdJwtPresenter.present(issued, Set.of(claims), holder, AUDIENCE, NONCE, NOW);
        }

        @Test
        void theUnchangedResignedCredentialVerifies() throws Exception {
            String issued = resign(issuer.issue(aResidentPermit().build()), "dc+sd-jwt", payload -> { });
            assertThat(verify(presentAll(issued, "given_name")).claims()).containsEntry("given_name", "Li");
        }

        @Test
        void aJwtThatIsNotAnSdJwtVcIsRefused() throws Exception {
            String issued = resign(issuer.issue(aResidentPermit().build()), "JWT", payload -> { });
            assertFails(VerificationFailure.WRONG_TYPE, () -> verify(presentAll(issued, "given_name")));
        }

        @Test
        void anotherDigestAlgorithmIsRefused() throws Exception {
            String issued = resign(issuer.issue(aResidentPermit().build()), "dc+sd-jwt", payload -> payload.put("_sd_alg", "sha-512"));
            assertFails(VerificationFailure.DISCLOSURE_INVALID, () -> verify(presentAll(issued, "given_name")));
        }

        @Test
        void aDigestListedTwiceIsRefused() throws Exception {
            String issued = resign(issuer.issue(aResidentPermit().build()), "dc+sd-jwt", payload -> {
                List<Object> digests = new java.util.ArrayList<>((List<?>) payload.get("_sd"));
                digests.add(digests.get(0));
                payload.put("_sd", digests);
            });
            assertFails(VerificationFailure.DISCLOSURE_INVALID, () -> verify(presentAll(issued, "given_name")));
        }

        @Test
        void aDisclosureOverwritingAVisibleClaimIsRefused() throws Exception {
            String issued = resign(issuer.issue(aResidentPermit().build()), "dc+sd-jwt", payload -> payload.put("given_name", "Visible"));
            assertFails(VerificationFailure.DISCLOSURE_INVALID, () -> verify(presentAll(issued, "given_name")));
        }

        @Test
        void aCredentialWithoutExpiryIsRefused() throws Exception {
            String issued = resign(issuer.issue(aResidentPermit().build()), "dc+sd-jwt", payload -> payload.remove("exp"));
            assertFails(VerificationFailure.MALFORMED, () -> verify(presentAll(issued, "given_name")));
        }

        @Test
        void aCredentialWithoutHolderKeyCannotBePresented() throws Exception {
            String issued = resign(issuer.issue(aResidentPermit().build()), "dc+sd-jwt", payload -> payload.remove("cnf"));
            assertFails(VerificationFailure.KEY_BINDING_INVALID, () -> verify(presentAll(issued, "given_name")));
        }

        @Test
        void aCredentialIssuedInTheFutureIsRefused() throws Exception {
            String issued = resign(issuer.issue(aResidentPermit().build()), "dc+sd-jwt",
                    payload -> payload.put("iat", NOW.plus(Duration.ofHours(1)).getEpochSecond()));
            assertFails(VerificationFailure.NOT_YET_VALID, () -> verify(presentAll(issued, "given_name")));
        }

        @Test
        void aCredentialSignedWithAnotherAlgorithmIsRefused() throws Exception {
            String serialized = issuer.issue(aResidentPermit().build()).serialized();
            SignedJWT original = SignedJWT.parse(serialized.substring(0, serialized.indexOf('~')));
            SignedJWT hmac = new SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256)
                    .type(new com.nimbusds.jose.JOSEObjectType("dc+sd-jwt")).keyID(issuerKeys.current().keyId()).build(),
                    original.getJWTClaimsSet());
            hmac.sign(new com.nimbusds.jose.crypto.MACSigner(new byte[32]));
            String issued = hmac.serialize() + serialized.substring(serialized.indexOf('~'));
            assertFails(VerificationFailure.SIGNATURE_INVALID, () -> verify(presentAll(issued, "given_name")));
        }

        @Test
        void notAnSdJwtAtAllIsMalformed() {
            assertFails(VerificationFailure.MALFORMED, () -> verify("not-a-jwt~"));
            assertFails(VerificationFailure.MALFORMED, () -> verify("no separator"));
        }
    }
}
