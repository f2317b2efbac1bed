package org.civicstack.certificates.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import org.civicstack.certificates.statuslist.StatusListToken;
import org.civicstack.certificates.statuslist.StatusListTokenVerifier;
import org.civicstack.certificates.statuslist.TokenStatus;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Credential types, issuance with Idempotency-Key, the wallet, status changes and the published status list. */
class CredentialsIT extends FlowSupport {

    @Test
    void seedTypesAreRegisteredAndPublic() {
        Map<String, Object> card = json(get(null, "/v1/certificates/types/volunteer_service_card").expectStatus().isOk());
        assertThat(card.get("vct")).isEqualTo(BASE + "/v1/certificates/types/volunteer_service_card");
        assertThat(card.get("issuer_agency_id")).isEqualTo("agy_sz_volunteer_federation");
        Map<String, Object> page = json(get(null, "/v1/certificates/types?limit=200").expectStatus().isOk());
        assertThat(pluck(page.get("data"), "id")).contains("resident_id_card",
                "driving_licence", "business_licence", "household_registration", "merchant_credit_rating",
                "volunteer_service_card");
    }

    @Test
    void typeRegistrationIsCheckedAndOwned() {
        Agency agency = anAgency();
        String id = registerType(agency);
        Map<String, Object> type = json(get(null, "/v1/certificates/types/" + id).expectStatus().isOk());
        assertThat((List<?>) type.get("claims")).hasSize(4);
        assertThat(((Map<?, ?>) ((List<?>) type.get("claims")).get(3)).get("sd")).isEqualTo("never");

        Map<String, Object> taken = json(post(agency.token(), "/v1/certificates/types", Map.of("id", id,
                "name", Map.of("zh-CN", "a", "en", "b"), "validity_days", 1,
                "claims", List.of(Map.of("name", "x", "type", "string", "display", Map.of("zh-CN", "x", "en", "x")))))
                .expectStatus().isEqualTo(409));
        assertThat(taken.get("code")).isEqualTo("type_id_taken");

        Map<String, Object> invalid = json(post(agency.token(), "/v1/certificates/types", Map.of("id", "Bad Id",
                "name", Map.of("zh-CN", "a"), "validity_days", 0, "colour", "red",
                "claims", List.of(Map.of("name", "iss", "type", "string", "display", Map.of("zh-CN", "x", "en", "x")),
                        Map.of("name", "age", "type", "float", "display", Map.of("zh-CN", "x", "en", "x")))))
                .expectStatus().isBadRequest());
        assertThat(pluck(invalid.get("errors"), "field")).contains("id",
                "name.en", "validity_days", "colour", "claims[0].name", "claims[1].type");

        Agency other = anAgency();
        Map<String, Object> notTheirs = json(client.put().uri("/v1/certificates/types/" + id)
                .header("Authorization", "Bearer " + other.token()).bodyValue(Map.of("name", Map.of("zh-CN", "a", "en", "b"),
                        "validity_days", 1, "claims", List.of())).exchange().expectStatus().isForbidden());
        assertThat(notTheirs.get("code")).isEqualTo("not_the_issuer");

        Map<String, Object> incompatible = json(client.put().uri("/v1/certificates/types/" + id)
                .header("Authorization", "Bearer " + agency.token()).bodyValue(Map.of(
                        "name", Map.of("zh-CN", "测试证", "en", "Test card"), "validity_days", 365,
                        "claims", List.of(Map.of("name", "full_name", "type", "string",
                                "display", Map.of("zh-CN", "姓名", "en", "Name"))))).exchange().expectStatus().isEqualTo(422));
        assertThat(incompatible.get("code")).isEqualTo("incompatible_type_change");

        assertThat(json(post(null, "/v1/certificates/types", Map.of("id", "x")).expectStatus().isUnauthorized())
                .get("code")).isEqualTo("unauthorized");
        String citizen = citizenToken(UUID.randomUUID().toString());
        post(citizen, "/v1/certificates/types", Map.of("id", "abc")).expectStatus().isForbidden();
    }

    @Test
    void issuanceIsIdempotentAndChecked() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("type", type, "subject", citizen.subject(), "claims", claims("王小明"));
        var first = postIdempotent(agency.token(), "/v1/certificates/credentials", key, body).expectStatus().isCreated()
                .expectBody(String.class).returnResult();
        assertThat(first.getResponseBody()).doesNotContain("王小明").doesNotContain("1990-03-07");
        var replay = postIdempotent(agency.token(), "/v1/certificates/credentials", key, body).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true").expectBody(String.class).returnResult();
        assertThat(replay.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from credential where citizen_ref = '"
                + citizen.ref() + "'")).containsExactly("1");

        Map<String, Object> changed = json(postIdempotent(agency.token(), "/v1/certificates/credentials", key,
                Map.of("type", type, "subject", citizen.subject(), "claims", claims("王大明"))).expectStatus().isEqualTo(422));
        assertThat(changed.get("code")).isEqualTo("idempotency_key_reused");
        assertThat(json(post(agency.token(), "/v1/certificates/credentials", body).expectStatus().isBadRequest())
                .get("code")).isEqualTo("idempotency_key_required");

        Map<String, Object> unknown = json(postIdempotent(agency.token(), "/v1/certificates/credentials",
                UUID.randomUUID().toString(), Map.of("type", type, "subject", "ps_nobody", "claims", claims("x")))
                .expectStatus().isEqualTo(422));
        assertThat(unknown.get("code")).isEqualTo("unknown_subject");

        Map<String, Object> bad = json(postIdempotent(agency.token(), "/v1/certificates/credentials",
                UUID.randomUUID().toString(), Map.of("type", type, "subject", citizen.subject(),
                        "claims", Map.of("full_name", 5, "birth_date", "1990-02-30", "nickname", "x")))
                .expectStatus().isBadRequest());
        assertThat(pluck(bad.get("errors"), "field"))
                .contains("claims.full_name", "claims.birth_date", "claims.nickname", "claims.level");

        Agency other = anAgency();
        knowAs(other.id(), citizen.subject(), citizen.ref());
        assertThat(json(postIdempotent(other.token(), "/v1/certificates/credentials", UUID.randomUUID().toString(), body)
                .expectStatus().isForbidden()).get("code")).isEqualTo("not_the_issuer");
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from credential where citizen_ref = '"
                + citizen.ref() + "'")).containsExactly("1");
    }

    @Test
    void issuanceByResidentIdNumberFindsTheVerifiedAccount() {
        Agency agency = anAgency();
        String type = registerType(agency);
        String ref = UUID.randomUUID().toString();
        verifiedWith("11010519491231002X", ref);
        postIdempotent(agency.token(), "/v1/certificates/credentials", UUID.randomUUID().toString(),
                Map.of("type", type, "resident_id_number", "11010519491231002x", "claims", claims("李四")))
                .expectStatus().isCreated();
        Map<String, Object> wallet = json(get(citizenToken(ref), "/v1/certificates/me/credentials").expectStatus().isOk());
        assertThat((List<?>) wallet.get("data")).hasSize(1);
        Map<String, Object> unknown = json(postIdempotent(agency.token(), "/v1/certificates/credentials",
                UUID.randomUUID().toString(), Map.of("type", type, "resident_id_number", "440305199001011234",
                        "claims", claims("x"))).expectStatus().isEqualTo(422));
        assertThat(unknown.get("code")).isEqualTo("unknown_citizen");
        // identity refuses a number whose check character is wrong: the agency's field error, not "unknown"
        identity.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/identity/citizen-references/resolve"))
                .atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.resident_id_number",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("110105194912310021")))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":400,\"code\":\"validation_failed\"}")));
        Map<String, Object> badCheck = json(postIdempotent(agency.token(), "/v1/certificates/credentials",
                UUID.randomUUID().toString(), Map.of("type", type, "resident_id_number", "110105194912310021",
                        "claims", claims("x"))).expectStatus().isBadRequest());
        assertThat(pluck(badCheck.get("errors"), "field")).containsExactly("resident_id_number");
        // identity failing is a 503 to retry, and nothing was issued
        identity.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/identity/citizen-references/resolve"))
                .atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.subject",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("ps_identity_breaks")))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(500)));
        Map<String, Object> down = json(postIdempotent(agency.token(), "/v1/certificates/credentials",
                UUID.randomUUID().toString(), Map.of("type", type, "subject", "ps_identity_breaks", "claims", claims("x")))
                .expectStatus().isEqualTo(503));
        assertThat(down.get("code")).isEqualTo("identity_unavailable");
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from credential where type_id = '" + type + "'"))
                .containsExactly("1");
        Map<String, Object> both = json(postIdempotent(agency.token(), "/v1/certificates/credentials",
                UUID.randomUUID().toString(), Map.of("type", type, "resident_id_number", "11010519491231002X",
                        "subject", "ps_x", "claims", claims("x"))).expectStatus().isBadRequest());
        assertThat(both.get("code")).isEqualTo("validation_failed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWalletShowsCredentialsInTheCitizensLanguage() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String id = issue(agency, type, citizen, claims("张三"));
        Map<String, Object> zh = json(get(citizen.token(), "/v1/certificates/me/credentials").expectStatus().isOk());
        assertThat(((Map<String, Object>) ((List<?>) zh.get("data")).get(0)).get("type_name")).isEqualTo("测试证");
        Map<String, Object> en = json(client.get().uri("/v1/certificates/me/credentials/" + id)
                .header("Authorization", "Bearer " + citizen.token()).header("Accept-Language", "en-GB,en;q=0.8")
                .exchange().expectStatus().isOk());
        assertThat(en.get("type_name")).isEqualTo("Test card");
        assertThat((List<Map<String, Object>>) en.get("claims")).extracting(c -> c.get("label") + "=" + c.get("value"))
                .containsExactly("Name=张三", "Date of birth=1990-03-07", "Hours=12.5", "Level=3");
        String sdJwt = get(citizen.token(), "/v1/certificates/me/credentials/" + id + "/sd-jwt").expectStatus().isOk()
                .expectHeader().contentType("application/dc+sd-jwt").expectBody(String.class).returnResult().getResponseBody();
        assertThat(sdJwt.split("~", -1)).hasSize(1 + 3 + 1);

        Citizen stranger = aCitizen(agency.id());
        assertThat(json(get(stranger.token(), "/v1/certificates/me/credentials/" + id).expectStatus().isNotFound())
                .get("code")).isEqualTo("unknown_credential");
        get(agency.token(), "/v1/certificates/me/credentials").expectStatus().isForbidden();
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusChangesReachThePublishedStatusList() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String id = issue(agency, type, citizen, claims("赵六"));
        Map<String, Object> issued = json(get(agency.token(), "/v1/certificates/credentials/" + id).expectStatus().isOk());
        Map<String, Object> slot = (Map<String, Object>) issued.get("status_list");
        URI uri = URI.create((String) slot.get("uri"));
        int index = (Integer) slot.get("idx");
        String path = uri.getPath();
        assertThat(status(path, uri, index)).isEqualTo(TokenStatus.VALID.value());

        assertThat(json(post(agency.token(), "/v1/certificates/credentials/" + id + "/suspend", Map.of("reason", "under_review"))
                .expectStatus().isOk()).get("status")).isEqualTo("suspended");
        assertThat(status(path, uri, index)).isEqualTo(TokenStatus.SUSPENDED.value());
        post(agency.token(), "/v1/certificates/credentials/" + id + "/reinstate", null).expectStatus().isOk();
        assertThat(status(path, uri, index)).isEqualTo(TokenStatus.VALID.value());
        post(agency.token(), "/v1/certificates/credentials/" + id + "/revoke", Map.of("reason", "licence_withdrawn"))
                .expectStatus().isOk();
        assertThat(status(path, uri, index)).isEqualTo(TokenStatus.INVALID.value());
        // a repeated revoke is a no-op, reinstating a revoked credential is not allowed
        post(agency.token(), "/v1/certificates/credentials/" + id + "/revoke", null).expectStatus().isOk();
        assertThat(json(post(agency.token(), "/v1/certificates/credentials/" + id + "/reinstate", null)
                .expectStatus().isEqualTo(409)).get("code")).isEqualTo("illegal_transition");
        assertThat(json(post(agency.token(), "/v1/certificates/credentials/" + id + "/revoke",
                Map.of("reason", "Free text with a name 张三")).expectStatus().isBadRequest()).get("code"))
                .isEqualTo("validation_failed");
        Agency other = anAgency();
        post(other.token(), "/v1/certificates/credentials/" + id + "/suspend", null).expectStatus().isForbidden();
    }

    @Test
    @SuppressWarnings("unchecked")
    void reissueSupersedesTheOldCredential() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String old = issue(agency, type, citizen, claims("孙七"));
        Map<String, Object> renewed = json(postIdempotent(agency.token(), "/v1/certificates/credentials/" + old + "/reissue",
                UUID.randomUUID().toString(), Map.of("claims", Map.of("full_name", "孙七", "birth_date", "1990-03-07",
                        "hours", 40, "level", 4))).expectStatus().isCreated());
        assertThat(renewed.get("supersedes")).isEqualTo(old);
        Map<String, Object> before = json(get(agency.token(), "/v1/certificates/credentials/" + old).expectStatus().isOk());
        assertThat(before.get("status")).isEqualTo("superseded");
        assertThat(before.get("superseded_by")).isEqualTo(renewed.get("id"));
        Map<String, Object> slot = (Map<String, Object>) before.get("status_list");
        URI uri = URI.create((String) slot.get("uri"));
        assertThat(status(uri.getPath(), uri, (Integer) slot.get("idx"))).isEqualTo(TokenStatus.INVALID.value());
        // issuing the type again to the same citizen supersedes too: one current credential per type
        String third = issue(agency, type, citizen, claims("孙七"));
        Map<String, Object> wallet = json(get(citizen.token(), "/v1/certificates/me/credentials").expectStatus().isOk());
        assertThat(pluck(wallet.get("data"), "id")).containsExactly(third);
        Map<String, Object> ended = json(postIdempotent(agency.token(), "/v1/certificates/credentials/" + old + "/reissue",
                UUID.randomUUID().toString(), Map.of("claims", claims("x"))).expectStatus().isEqualTo(409));
        assertThat(ended.get("code")).isEqualTo("credential_ended");
    }

    /** The entry at {@code index} of the status list published at {@code path}, checked as a verifier would. */
    private int status(String path, URI uri, int index) {
        String jwt = client.get().uri(path).exchange().expectStatus().isOk()
                .expectHeader().contentType("application/statuslist+jwt")
                .expectHeader().valueMatches("Cache-Control", ".*max-age=60.*")
                .expectBody(String.class).returnResult().getResponseBody();
        String jwks = client.get().uri("/v1/certificates/jwks.json").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        StatusListToken token = new StatusListTokenVerifier(() -> {
            try {
                return JWKSet.parse(jwks);
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }, Clock.systemUTC(), Duration.ofSeconds(60)).verify(jwt, uri);
        assertThat(token.timeToLive()).isEqualTo(Duration.ofSeconds(60));
        return token.list().get(index);
    }
}
