package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code GET /v1/catalog/agencies/{id}}: an agency's names for citizens, public, never its contacts or client. */
class AgencyNamesIT extends RegistryTestSupport {

    @Test
    @SuppressWarnings("unchecked")
    void anyoneReadsAnAgencysNamesAndNothingElse() {
        Map<String, Object> zh = client.get().uri("/v1/catalog/agencies/" + agencyId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(zh).containsEntry("id", agencyId).containsEntry("display_name", "深圳市卫生健康委员会")
                .containsEntry("name_en", "Shenzhen Health Commission").containsEntry("unit_type", "municipal_unit")
                .doesNotContainKeys("contact_name", "contact_email", "contact_phone", "oauth_client_id");
        Map<String, Object> en = client.get().uri("/v1/catalog/agencies/" + agencyId).header("Accept-Language", "en")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(en).containsEntry("display_name", "Shenzhen Health Commission");
        Map<String, Object> missing = client.get().uri("/v1/catalog/agencies/agy_nobody").exchange()
                .expectStatus().isNotFound().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(missing).containsEntry("code", "agency_not_found");
    }
}
