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
