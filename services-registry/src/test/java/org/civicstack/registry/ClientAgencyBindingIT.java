package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * ADR 0007: identity's {@code agency_id} claim says which agency a client acts for; {@code agency.oauth_client_id}
 * is only the transition path for tokens without the claim, and a contradiction between the two is refused.
 */
class ClientAgencyBindingIT extends RegistryTestSupport {

    @Test
    void theAgencyIdClaimBindsAClientTheRegistryHasNoRowFor() {
        String token = tokens.agency("client-unknown-to-registry-" + suffix(), agencyId, "registry:write", "registry:read");

        int status = create(token, "sz-claim-bound-" + suffix());

        assertThat(status).isEqualTo(201);
    }

    @Test
    void aTokenWithoutTheClaimIsStillBoundByTheRegistryColumn() {
        String clientId = "sz-transition-" + suffix();
        registerAgency(clientId);
        String token = tokens.token(clientId, Map.of("client_type", "agency", "scope", "registry:write registry:read"));

        assertThat(create(token, "sz-column-bound-" + suffix())).isEqualTo(201);
    }

    @Test
    void aClaimThatContradictsTheRegistryColumnIsForbidden() {
        String clientId = "sz-contradiction-" + suffix();
        registerAgency(clientId);
        String token = tokens.agency(clientId, agencyId, "registry:write", "registry:read");

        client.post().uri("/v1/registry/services")
                .headers(h -> h.setBearerAuth(token))
                .bodyValue(Map.of("code", "sz-mismatch-" + suffix(), "definition", aServiceDefinition().build()))
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("agency_binding_mismatch");
    }

    @Test
    void aClaimNamingAnAgencyTheRegistryDoesNotKnowBindsNothing() {
        String token = tokens.agency("client-of-a-ghost-" + suffix(), "agy_does_not_exist", "registry:write",
                "registry:read");

        int status = create(token, "sz-ghost-" + suffix());

        assertThat(status).isBetween(400, 499);
    }

    @Test
    void anOperatorChosenAgencyIdIsKeptSoIdentityCanCarryItBeforeTheFirstCall() {
        String clientId = "sz-chosen-id-" + suffix();
        String chosen = "agy_sz_chosen_" + suffix();
        client.post().uri("/v1/registry/agencies").headers(h -> h.setBearerAuth(operator))
                .bodyValue(agency(clientId, chosen)).exchange()
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.id").isEqualTo(chosen);
        // a token whose claim and column agree acts for it
        assertThat(create(tokens.agency(clientId, chosen, "registry:write", "registry:read"), "sz-chosen-" + suffix()))
                .isEqualTo(201);

        // the same id again (another client) is a conflict naming the id, and nothing is written
        client.post().uri("/v1/registry/agencies").headers(h -> h.setBearerAuth(operator))
                .bodyValue(agency("sz-other-" + suffix(), chosen)).exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("agency_id_taken");
        // an id not in identity's agency-id form is a field error
        client.post().uri("/v1/registry/agencies").headers(h -> h.setBearerAuth(operator))
                .bodyValue(agency("sz-bad-id-" + suffix(), "health commission")).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("id");
        client.get().uri("/v1/registry/agencies?limit=200").headers(h -> h.setBearerAuth(operator)).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).doesNotContain("sz-other-", "sz-bad-id-"));
    }

    private static Map<String, Object> agency(String clientId, String id) {
        return Map.of("id", id, "name_zh_cn", "深圳市卫生健康委员会", "name_en", "Shenzhen Health Commission",
                "unit_type", "municipal_unit", "contact_name", "王工", "contact_email", "it@wjw.sz.gov.cn",
                "oauth_client_id", clientId);
    }

    private int create(String token, String code) {
        return client.post().uri("/v1/registry/services")
                .headers(h -> h.setBearerAuth(token))
                .bodyValue(Map.of("code", code, "definition", aServiceDefinition().build()))
                .exchange()
                .returnResult(String.class).getStatus().value();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
