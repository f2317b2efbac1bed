package org.civicstack.certificates.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.authlete.sd.Disclosure;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

/**
 * "Choose, don't fill": an agency's request, the citizen's consent, the presentation, verification and the refusals;
 * standing consents; QR tokens; the access log.
 */
class SharingIT extends FlowSupport {

    @Test
    @SuppressWarnings("unchecked")
    void approvedRequestYieldsExactlyTheAskedClaimsAndVerifiesOnce() throws Exception {
        Agency issuer = anAgency();
        String type = registerType(issuer);
        Agency verifier = anAgency();
        Citizen citizen = aCitizen(issuer.id());
        String verifierSubject = aSubject();
        knowAs(verifier.id(), verifierSubject, citizen.ref());
        Citizen asVerifierSees = new Citizen(verifierSubject, citizen.ref(), citizen.token());
        String credential = issue(issuer, type, citizen, claims("周八"));

        named(verifier.id(), "深圳市市场监督管理局", "Shenzhen Administration for Market Regulation");
        Map<String, Object> request = request(verifier, type, asVerifierSees, List.of("full_name"));
        String requestId = (String) request.get("id");
        assertThat(request.get("status")).isEqualTo("pending");
        assertThat(request).doesNotContainKey("vp_token");

        // the citizen sees who asks, for what, and what exactly
        Map<String, Object> seen = json(client.get().uri("/v1/certificates/me/presentation-requests/" + requestId)
                .header("Authorization", "Bearer " + citizen.token()).header("Accept-Language", "en").exchange()
                .expectStatus().isOk());
        assertThat(seen.get("agency_id")).isEqualTo(verifier.id());
        // who asks, by the name the registry holds
        assertThat(seen.get("agency_name")).isEqualTo("Shenzhen Administration for Market Regulation");
        assertThat(seen.get("purpose")).isEqualTo("To handle your application");
        Map<String, Object> asked = ((List<Map<String, Object>>) seen.get("credentials")).get(0);
        assertThat(pluck(asked.get("claims"), "label")).containsExactly("Name");
        assertThat(pluck(asked.get("also_visible"), "name")).containsExactly("level");
        assertThat(pluck(asked.get("matching_credentials"), "id")).containsExactly(credential);
        assertThat(pluck(json(get(citizen.token(), "/v1/certificates/me/presentation-requests").expectStatus().isOk())
                .get("data"), "id")).contains(requestId);

        approve(citizen, requestId, credential);
        String presentation = presentation(verifier, requestId);
        // exactly the approved disclosure; the other disclosable claims are absent
        String[] parts = presentation.split("~", -1);
        assertThat(parts).hasSize(3);
        assertThat(Disclosure.parse(parts[1]).getClaimName()).isEqualTo("full_name");
        Map<String, Object> payload = SignedJWT.parse(parts[0]).getJWTClaimsSet().getClaims();
        assertThat(payload).doesNotContainKeys("birth_date", "hours", "full_name").containsEntry("level", 3L);
        assertThat(new String(Base64.getUrlDecoder().decode(parts[0].split("\\.")[1]), StandardCharsets.UTF_8))
                .doesNotContain("1990-03-07");

        String nonce = (String) request.get("nonce");
        Map<String, Object> verified = json(verify(verifier, presentation, nonce).expectStatus().isOk());
        assertThat(verified.get("valid")).isEqualTo(true);
        assertThat((Map<String, Object>) verified.get("claims")).containsEntry("full_name", "周八")
                .containsEntry("level", 3).doesNotContainKeys("birth_date", "hours");
        assertThat(verified.get("credential_id")).isEqualTo(credential);
        assertThat(verified.get("type")).isEqualTo(type);

        // the same presentation again: the nonce was used
        assertThat(refusal(verify(verifier, presentation, nonce))).isEqualTo("nonce_replayed");
        // another agency cannot use it: it was made for the verifier
        Agency thief = anAgency();
        assertThat(refusal(verify(thief, presentation, nonce))).isEqualTo("wrong_audience");
        // wrong nonce
        Map<String, Object> second = request(verifier, type, asVerifierSees, List.of("full_name"));
        approve(citizen, (String) second.get("id"), credential);
        String another = presentation(verifier, (String) second.get("id"));
        assertThat(refusal(verify(verifier, another, "not-the-nonce"))).isEqualTo("nonce_mismatch");

        // tampering: the issuer signature, a disclosure, the key binding
        String secondNonce = (String) second.get("nonce");
        String[] p = another.split("~", -1);
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(p[0].split("\\.")[1]), StandardCharsets.UTF_8)
                        .replace("\"level\":3", "\"level\":5").getBytes(StandardCharsets.UTF_8));
        String[] jws = p[0].split("\\.");
        assertThat(refusal(verify(verifier, jws[0] + "." + forgedPayload + "." + jws[2] + "~" + p[1] + "~" + p[2],
                secondNonce))).isEqualTo("signature_invalid");
        String forgedDisclosure = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8).replace("周八", "周九")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(refusal(verify(verifier, p[0] + "~" + forgedDisclosure + "~" + p[2], secondNonce)))
                .isEqualTo("disclosure_invalid");
        assertThat(refusal(verify(verifier, p[0] + "~" + p[1] + "~", secondNonce))).isEqualTo("key_binding_missing");
        assertThat(refusal(verify(verifier, "not-an-sd-jwt", secondNonce))).isEqualTo("malformed");
        // the untampered one still verifies (failed attempts do not use the nonce up)
        verify(verifier, another, secondNonce).expectStatus().isOk();

        // the access log shows both shares and verifications, with who and which claims
        Map<String, Object> log = json(get(citizen.token(), "/v1/certificates/me/access-log?credential=" + credential)
                .expectStatus().isOk());
        List<Map<String, Object>> entries = (List<Map<String, Object>>) log.get("data");
        assertThat(pluck(entries, "kind")).containsExactly("verified", "shared", "verified", "shared", "issued");
        assertThat(entries.get(1).get("agency_id")).isEqualTo(verifier.id());
        assertThat(entries.get(1).get("claims")).isEqualTo(List.of("full_name"));
        assertThat((Map<String, Object>) entries.get(1).get("purpose")).containsEntry("en", "To handle your application");
    }

    @Test
    void revokedSuspendedAndExpiredCredentialsFailVerification() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String credential = issue(agency, type, citizen, claims("吴九"));
        Map<String, Object> request = request(agency, type, citizen, List.of("full_name", "birth_date"));
        approve(citizen, (String) request.get("id"), credential);
        String presentation = presentation(agency, (String) request.get("id"));

        post(agency.token(), "/v1/certificates/credentials/" + credential + "/suspend", null).expectStatus().isOk();
        assertThat(refusal(verify(agency, presentation, (String) request.get("nonce")))).isEqualTo("suspended");
        post(agency.token(), "/v1/certificates/credentials/" + credential + "/revoke", null).expectStatus().isOk();
        assertThat(refusal(verify(agency, presentation, (String) request.get("nonce")))).isEqualTo("revoked");
        // and a revoked credential can no longer be shared
        Map<String, Object> again = request(agency, type, citizen, List.of("full_name"));
        Map<String, Object> refused = json(post(citizen.token(), "/v1/certificates/me/presentation-requests/"
                + again.get("id") + "/approve", Map.of("credentials", Map.of("card", credential)))
                .expectStatus().isEqualTo(422));
        assertThat(refused.get("code")).isEqualTo("credential_revoked");

        // expiry: a credential valid for 10 minutes, presented now, checked 11 minutes later
        String shortLived = (String) json(postIdempotent(agency.token(), "/v1/certificates/credentials",
                UUID.randomUUID().toString(), Map.of("type", type, "subject", citizen.subject(), "claims", claims("吴九"),
                        "valid_until", Instant.now().plus(Duration.ofMinutes(10)).toString())).expectStatus().isCreated())
                .get("id");
        Map<String, Object> late = request(agency, type, citizen, List.of("full_name"));
        approve(citizen, (String) late.get("id"), shortLived);
        String soonExpired = presentation(agency, (String) late.get("id"));
        clock.advance(Duration.ofMinutes(11));
        assertThat(refusal(verify(agency, soonExpired, (String) late.get("nonce")))).isEqualTo("expired");
        assertThat(json(post(citizen.token(), "/v1/certificates/me/credentials/" + shortLived + "/qr", null)
                .expectStatus().isEqualTo(422)).get("code")).isEqualTo("credential_expired");
    }

    @Test
    void aRegistryThatCannotNameTheAgencyLeavesItsIdOnTheScreenAndTheCitizenStillDecides() {
        Agency unknown = anAgency();
        String type = registerType(unknown);
        Citizen citizen = aCitizen(unknown.id());
        issue(unknown, type, citizen, claims("钱十一"));
        // no stub: the registry answers 404 for this agency
        String first = (String) request(unknown, type, citizen, List.of("full_name")).get("id");
        Map<String, Object> seen = json(get(citizen.token(), "/v1/certificates/me/presentation-requests/" + first)
                .expectStatus().isOk());
        assertThat(seen.get("agency_name")).isEqualTo(unknown.id());

        Agency failing = anAgency();
        registry.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/catalog/agencies/" + failing.id()))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.serverError()));
        String type2 = registerType(failing);
        Citizen other = aCitizen(failing.id());
        issue(failing, type2, other, claims("孙十二"));
        String second = (String) request(failing, type2, other, List.of("full_name")).get("id");
        assertThat(json(get(other.token(), "/v1/certificates/me/presentation-requests/" + second).expectStatus().isOk())
                .get("agency_name")).isEqualTo(failing.id());
        assertThat(json(post(other.token(), "/v1/certificates/me/presentation-requests/" + second + "/decline", null)
                .expectStatus().isOk()).get("status")).isEqualTo("declined");
    }

    @Test
    @SuppressWarnings("unchecked")
    void declinedOrExpiredRequestsShareNothing() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String credential = issue(agency, type, citizen, claims("郑十"));
        Map<String, Object> request = request(agency, type, citizen, List.of("full_name"));
        String id = (String) request.get("id");
        assertThat(json(post(citizen.token(), "/v1/certificates/me/presentation-requests/" + id + "/decline", null)
                .expectStatus().isOk()).get("status")).isEqualTo("declined");
        Map<String, Object> view = json(get(agency.token(), "/v1/certificates/presentation-requests/" + id).expectStatus().isOk());
        assertThat(view.get("status")).isEqualTo("declined");
        assertThat(view).doesNotContainKey("vp_token");
        assertThat(json(post(citizen.token(), "/v1/certificates/me/presentation-requests/" + id + "/approve",
                Map.of("credentials", Map.of("card", credential))).expectStatus().isEqualTo(409)).get("code"))
                .isEqualTo("request_declined");

        Map<String, Object> expiring = request(agency, type, citizen, List.of("full_name"));
        clock.advance(Duration.ofMinutes(11));
        assertThat(json(post(citizen.token(), "/v1/certificates/me/presentation-requests/" + expiring.get("id")
                + "/approve", Map.of("credentials", Map.of("card", credential))).expectStatus().isEqualTo(409))
                .get("code")).isEqualTo("request_expired");
        assertThat(json(get(agency.token(), "/v1/certificates/presentation-requests/" + expiring.get("id"))
                .expectStatus().isOk()).get("status")).isEqualTo("expired");
        assertThat(pluck(json(get(citizen.token(), "/v1/certificates/me/access-log?credential=" + credential)
                .expectStatus().isOk()).get("data"), "kind")).containsExactly("issued");

        // other people's requests are invisible; a wrong credential choice is refused
        Citizen other = aCitizen(agency.id());
        get(other.token(), "/v1/certificates/me/presentation-requests/" + id).expectStatus().isNotFound();
        Map<String, Object> fresh = request(agency, type, citizen, List.of("full_name"));
        String othersCredential = issue(agency, type, other, claims("x"));
        assertThat(json(post(citizen.token(), "/v1/certificates/me/presentation-requests/" + fresh.get("id")
                + "/approve", Map.of("credentials", Map.of("card", othersCredential))).expectStatus().isEqualTo(422))
                .get("code")).isEqualTo("unknown_credential");
        Map<String, Object> missing = json(post(citizen.token(), "/v1/certificates/me/presentation-requests/"
                + fresh.get("id") + "/approve", Map.of("credentials", Map.of("other", credential)))
                .expectStatus().isBadRequest());
        assertThat(pluck(missing.get("errors"), "field")).contains("credentials.card", "credentials.other");
    }

    @Test
    void requestsAreChecked() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Map<String, Object> bad = json(post(agency.token(), "/v1/certificates/presentation-requests", Map.of(
                "purpose", Map.of("en", "x"),
                "dcql_query", Map.of("credentials", List.of(Map.of("id", "a", "format", "mso_mdoc",
                        "meta", Map.of("vct_values", List.of(type)), "claims", List.of(Map.of("path", List.of("a", "b"))))))))
                .expectStatus().isBadRequest());
        assertThat(pluck(bad.get("errors"), "field")).contains("purpose.zh-CN", "dcql_query.credentials[0].format",
                "dcql_query.credentials[0].claims[0].path");
        Map<String, Object> unknownClaim = json(post(agency.token(), "/v1/certificates/presentation-requests", Map.of(
                "purpose", Map.of("zh-CN", "x", "en", "x"),
                "dcql_query", Map.of("credentials", List.of(Map.of("id", "a",
                        "meta", Map.of("vct_values", List.of(type)), "claims", List.of(Map.of("path", List.of("salary"))))))))
                .expectStatus().isBadRequest());
        assertThat(pluck(unknownClaim.get("errors"), "code")).containsExactly("unknown_claim");
        Map<String, Object> unsafe = json(post(agency.token(), "/v1/certificates/presentation-requests", Map.of(
                "purpose", Map.of("zh-CN", "x", "en", "x"), "callback_url", "http://169.254.169.254/latest",
                "dcql_query", Map.of("credentials", List.of(Map.of("id", "a",
                        "meta", Map.of("vct_values", List.of(type)), "claims", List.of(Map.of("path", List.of("full_name"))))))))
                .expectStatus().isBadRequest());
        assertThat(pluck(unsafe.get("errors"), "code")).containsExactly("unsafe_url");
        Citizen citizen = aCitizen(agency.id());
        post(citizen.token(), "/v1/certificates/presentation-requests", Map.of()).expectStatus().isForbidden();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStandingConsentAnswersLaterRequestsUntilRevoked() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String credential = issue(agency, type, citizen, claims("钱一"));
        Map<String, Object> first = request(agency, type, citizen, List.of("full_name", "birth_date"));
        Map<String, Object> approved = json(post(citizen.token(), "/v1/certificates/me/presentation-requests/"
                + first.get("id") + "/approve", Map.of("credentials", Map.of("card", credential),
                "standing_until", Instant.now().plus(Duration.ofDays(365)).toString())).expectStatus().isOk());
        String consent = (String) approved.get("consent_id");

        // a later request for fewer claims is answered at once, without asking
        Map<String, Object> later = request(agency, type, citizen, List.of("full_name"));
        assertThat(later.get("status")).isEqualTo("approved");
        assertThat(later.get("decided_by")).isEqualTo("standing_consent");
        assertThat(later.get("consent_id")).isEqualTo(consent);
        String presentation = ((Map<String, String>) later.get("vp_token")).get("card");
        assertThat(presentation.split("~", -1)).hasSize(3);
        verify(agency, presentation, (String) later.get("nonce")).expectStatus().isOk();
        // more than was consented to: the citizen is asked
        assertThat(request(agency, type, citizen, List.of("full_name", "hours")).get("status")).isEqualTo("pending");

        Map<String, Object> consents = json(get(citizen.token(), "/v1/certificates/me/consents").expectStatus().isOk());
        assertThat(pluck(consents.get("data"), "kind")).containsExactly("standing");
        assertThat(json(post(citizen.token(), "/v1/certificates/me/consents/" + consent + "/revoke", null)
                .expectStatus().isOk()).get("active")).isEqualTo(false);
        assertThat(request(agency, type, citizen, List.of("full_name")).get("status")).isEqualTo("pending");
        Citizen other = aCitizen(agency.id());
        post(other.token(), "/v1/certificates/me/consents/" + consent + "/revoke", null).expectStatus().isNotFound();

        List<Map<String, Object>> log = (List<Map<String, Object>>) json(get(citizen.token(),
                "/v1/certificates/me/access-log").expectStatus().isOk()).get("data");
        assertThat(log.stream().filter(e -> "shared".equals(e.get("kind"))).map(e -> e.get("consent_id")))
                .containsOnly(consent);
    }

    @Test
    @SuppressWarnings("unchecked")
    void qrTokensAreSingleUseAndShortLived() {
        Agency issuer = agency("agy_sz_volunteer_federation");
        Citizen citizen = aCitizen(issuer.id());
        String card = (String) json(postIdempotent(issuer.token(), "/v1/certificates/credentials",
                UUID.randomUUID().toString(), Map.of("type", "volunteer_service_card", "subject", citizen.subject(),
                        "claims", Map.of("full_name", "冯二", "volunteer_number", "SZV-2026-000123", "star_level", 4,
                                "service_hours", 321.5, "registered_since", "2019-05-01"))).expectStatus().isCreated())
                .get("id");
        Map<String, Object> qr = json(post(citizen.token(), "/v1/certificates/me/credentials/" + card + "/qr",
                Map.of("claims", List.of("service_hours"))).expectStatus().isCreated());
        String token = (String) qr.get("token");

        Agency checker = anAgency();
        Map<String, Object> checked = json(post(checker.token(), "/v1/certificates/qr-verifications", Map.of("token", token))
                .expectStatus().isOk());
        assertThat(checked.get("type")).isEqualTo("volunteer_service_card");
        assertThat((Map<String, Object>) checked.get("claims")).containsEntry("service_hours", 321.5)
                .containsEntry("star_level", 4).doesNotContainKeys("full_name", "volunteer_number");
        assertThat(json(post(checker.token(), "/v1/certificates/qr-verifications", Map.of("token", token))
                .expectStatus().isEqualTo(409)).get("code")).isEqualTo("qr_token_used");

        String expiring = (String) json(post(citizen.token(), "/v1/certificates/me/credentials/" + card + "/qr", null)
                .expectStatus().isCreated()).get("token");
        clock.advance(Duration.ofMinutes(3));
        assertThat(json(post(checker.token(), "/v1/certificates/qr-verifications", Map.of("token", expiring))
                .expectStatus().isEqualTo(410)).get("code")).isEqualTo("qr_token_expired");
        clock.reset();
        assertThat(json(post(checker.token(), "/v1/certificates/qr-verifications",
                Map.of("token", "csqr_" + "A".repeat(43))).expectStatus().isNotFound()).get("code")).isEqualTo("unknown_qr_token");

        // revoked after the QR was made: the scan says so
        String revokedLater = (String) json(post(citizen.token(), "/v1/certificates/me/credentials/" + card + "/qr", null)
                .expectStatus().isCreated()).get("token");
        post(issuer.token(), "/v1/certificates/credentials/" + card + "/revoke", null).expectStatus().isOk();
        assertThat(refusal(post(checker.token(), "/v1/certificates/qr-verifications", Map.of("token", revokedLater))))
                .isEqualTo("revoked");

        List<Map<String, Object>> log = (List<Map<String, Object>>) json(get(citizen.token(),
                "/v1/certificates/me/access-log?credential=" + card).expectStatus().isOk()).get("data");
        assertThat(pluck(log, "kind")).containsExactly("revoked", "qr_verified", "issued");
        assertThat(log.get(1).get("agency_id")).isEqualTo(checker.id());
        assertThat(log.get(1).get("claims")).isEqualTo(List.of("service_hours"));
    }

    @Test
    void anOpenRequestBelongsToTheFirstCitizenWhoOpensIt() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String credential = issue(agency, type, citizen, claims("陈三"));
        Map<String, Object> open = request(agency, type, null, List.of("full_name"));
        assertThat(open.get("addressed")).isEqualTo(false);
        String id = (String) open.get("id");
        get(citizen.token(), "/v1/certificates/me/presentation-requests/" + id).expectStatus().isOk();
        Citizen second = aCitizen(agency.id());
        get(second.token(), "/v1/certificates/me/presentation-requests/" + id).expectStatus().isNotFound();
        approve(citizen, id, credential);
        verify(agency, presentation(agency, id), (String) open.get("nonce")).expectStatus().isOk();
    }

    @Test
    void offlinePresentationsVerifyForTheirAudience() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String credential = issue(agency, type, citizen, claims("褚四"));
        String nonce = UUID.randomUUID().toString();
        Map<String, Object> made = json(post(citizen.token(), "/v1/certificates/me/credentials/" + credential
                + "/presentations", Map.of("audience", agency.id(), "nonce", nonce, "claims", List.of("birth_date")))
                .expectStatus().isOk());
        verify(agency, (String) made.get("presentation"), nonce).expectStatus().isOk();
        assertThat(pluck(json(get(citizen.token(), "/v1/certificates/me/access-log?credential=" + credential)
                .expectStatus().isOk()).get("data"), "kind")).containsExactly("verified", "presented", "issued");
    }
}
