package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every registry write API reports every field error of a request at once, in one problem with
 * {@code errors: [{field, code, message}]}: Bean Validation, the code rule, the cross-field rules and the upstream
 * check are one step, not a sequence that stops at the first failing group.
 */
class EveryFieldErrorIT extends RegistryTestSupport {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** A definition with independent errors in four groups: field constraints, cross-field rules and the upstream. */
    static Map<String, Object> badDefinition(String baseUrl) {
        return aServiceDefinition().inCategory("Medical Health").withTimeoutMs(5).named("", "Registration")
                .inDistricts("futian", "atlantis").withBaseUrl(baseUrl).build();
    }

    static final List<String> DEFINITION_ERRORS = List.of("category:pattern", "upstream.timeout_ms:min",
            "name.zh_cn:not_blank", "districts[1]:unknown_district");

    @Test
    void createReportsTheCodeTheFieldConstraintsTheCrossFieldRulesAndTheUpstreamTogether() {
        Map<?, ?> problem = expectProblem(client.post().uri("/v1/registry/services")
                .headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(Map.of("code", "Not A Slug", "definition", badDefinition("http://127.0.0.1/x")))
                .exchange(), 400);

        assertThat(problem.get("code")).isEqualTo("validation_failed");
        List<String> expected = new ArrayList<>(List.of("code:pattern", "definition.upstream.base_url:loopback_address"));
        DEFINITION_ERRORS.forEach(e -> expected.add("definition." + e));
        assertThat(errors(problem)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(TestInfrastructure.query("civicstack_registry", "SELECT count(*) FROM service")).containsExactly("0");
    }

    @Test
    void theIssuesExampleABadCodeAndATimeoutAreBothReported() {
        Map<?, ?> problem = expectProblem(client.post().uri("/v1/registry/services")
                .headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(Map.of("code", "BAD CODE", "definition", aServiceDefinition().withTimeoutMs(5).build()))
                .exchange(), 400);

        assertThat(errors(problem)).containsExactlyInAnyOrder("code:pattern", "definition.upstream.timeout_ms:min");
    }

    @Test
    void missingPartsAreReportedWithTheOtherErrors() {
        Map<String, Object> definition = aServiceDefinition().withTimeoutMs(5).build();
        definition.remove("access");
        definition.remove("name");

        Map<?, ?> problem = expectProblem(client.post().uri("/v1/registry/services")
                .headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(Map.of("definition", definition))
                .exchange(), 400);

        assertThat(errors(problem)).containsExactlyInAnyOrder("code:not_blank", "definition.access:not_null",
                "definition.name:not_null", "definition.upstream.timeout_ms:min");
    }

    /** Wrong types and unknown fields do not end the request: they are reported with everything else. */
    static Map<String, Object> misshapenDefinition() {
        Map<String, Object> definition = aServiceDefinition().inCategory("Medical Health").build();
        definition.put("audience", "martian");
        definition.put("tags", "not-a-list");
        definition.put("city_wide", "yes");
        definition.put("colour", "red");
        @SuppressWarnings("unchecked")
        Map<String, Object> upstream = (Map<String, Object>) definition.get("upstream");
        upstream.put("timeout_ms", "fast");
        upstream.put("allowed_methods", List.of("GET", Map.of("verb", "POST")));
        return definition;
    }

    static final List<String> SHAPE_ERRORS = List.of("audience:invalid_value", "tags:invalid_value",
            "city_wide:invalid_value", "colour:unknown_field", "upstream.timeout_ms:invalid_value",
            "upstream.allowed_methods[1]:invalid_value", "category:pattern");

    @Test
    void wrongTypesAndUnknownFieldsAreReportedWithEveryOtherError() {
        Map<?, ?> problem = expectProblem(client.post().uri("/v1/registry/services")
                .headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(Map.of("code", "Not A Slug", "definition", misshapenDefinition(), "owner", "me"))
                .exchange(), 400);

        assertThat(problem.get("code")).isEqualTo("validation_failed");
        List<String> expected = new ArrayList<>(List.of("code:pattern", "owner:unknown_field"));
        SHAPE_ERRORS.forEach(e -> expected.add("definition." + e));
        assertThat(errors(problem)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void editAndBulkReportWrongTypesWithEveryOtherErrorToo() {
        String id = createService("sz-edit-shape", aServiceDefinition().build());
        Map<?, ?> problem = expectProblem(client.put().uri("/v1/registry/services/{id}/definition", id)
                .headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(misshapenDefinition())
                .exchange(), 400);
        assertThat(errors(problem)).containsExactlyInAnyOrderElementsOf(SHAPE_ERRORS);

        Map<String, Object> row = new LinkedHashMap<>();
        row.put("agency_id", agencyId);
        row.put("code", "Not A Slug");
        row.put("definition", misshapenDefinition());
        row.put("publish", "sure");
        String results = client.post().uri("/v1/registry/bulk/services").headers(h -> h.setBearerAuth(operator))
                .contentType(MediaType.APPLICATION_NDJSON).bodyValue(JSON.writeValueAsString(row) + "\n")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        Map<?, ?> result = JSON.readValue(lines(results).get(0), Map.class);
        assertThat(result.get("code")).isEqualTo("Not A Slug");
        List<String> expected = new ArrayList<>(List.of("code:pattern", "publish:invalid_value"));
        SHAPE_ERRORS.forEach(e -> expected.add("definition." + e));
        assertThat(errors(result)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aBodyThatIsNotAnObjectIsMalformed() {
        client.post().uri("/v1/registry/services").headers(h -> h.setBearerAuth(agencyToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("[1, 2]")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("malformed_request");
    }

    @Test
    void anUnsafeUpstreamAloneIsStillTheUnprocessableUnsafeUpstreamProblem() {
        Map<?, ?> problem = expectProblem(client.post().uri("/v1/registry/services")
                .headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(Map.of("code", "sz-only-upstream", "definition",
                        aServiceDefinition().withBaseUrl("http://169.254.169.254/").build()))
                .exchange(), 422);

        assertThat(problem.get("code")).isEqualTo("unsafe_upstream");
        assertThat(errors(problem)).containsExactly("definition.upstream.base_url:metadata_address");
    }

    @Test
    void editReportsEveryError() {
        String id = createService("sz-edit-errors", aServiceDefinition().build());

        Map<?, ?> problem = expectProblem(client.put().uri("/v1/registry/services/{id}/definition", id)
                .headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(badDefinition("http://[::1]/x"))
                .exchange(), 400);

        List<String> expected = new ArrayList<>(DEFINITION_ERRORS);
        expected.add("upstream.base_url:loopback_address");
        assertThat(errors(problem)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aBulkRowReportsEveryError() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("agency_id", agencyId);
        row.put("code", "Not A Slug");
        row.put("definition", badDefinition("http://localhost/x"));
        row.put("status", "suspended");

        String results = client.post().uri("/v1/registry/bulk/services").headers(h -> h.setBearerAuth(operator))
                .contentType(MediaType.APPLICATION_NDJSON).bodyValue(JSON.writeValueAsString(row) + "\n")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        Map<?, ?> result = JSON.readValue(lines(results).get(0), Map.class);
        assertThat(result.get("status")).isEqualTo("failed");
        assertThat(result.get("error")).isEqualTo("validation_failed");
        List<String> expected = new ArrayList<>(List.of("code:pattern", "status_reason:not_blank",
                "definition.upstream.base_url:loopback_address"));
        DEFINITION_ERRORS.forEach(e -> expected.add("definition." + e));
        assertThat(errors(result)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void agencyRegistrationReportsEveryError() {
        Map<?, ?> problem = expectProblem(client.post().uri("/v1/registry/agencies")
                .headers(h -> h.setBearerAuth(operator))
                .bodyValue(Map.of("name_zh_cn", "", "name_en", "Shenzhen Health Commission", "unit_type", "district",
                        "district", "Futian!", "contact_name", "王工", "contact_email", "not-an-email",
                        "contact_phone", "call me", "oauth_client_id", "x"))
                .exchange(), 400);

        assertThat(errors(problem)).containsExactlyInAnyOrder("name_zh_cn:not_blank", "district:pattern",
                "contact_email:email", "contact_phone:pattern", "oauth_client_id:pattern");
    }

    @Test
    void agencyRegistrationReportsAWrongTypeWithTheOtherErrors() {
        Map<?, ?> problem = expectProblem(client.post().uri("/v1/registry/agencies")
                .headers(h -> h.setBearerAuth(operator))
                .bodyValue(Map.of("name_zh_cn", "深圳市卫生健康委员会", "name_en", "Shenzhen Health Commission",
                        "unit_type", "ministry", "contact_name", "王工", "contact_email", "not-an-email",
                        "oauth_client_id", "sz-health", "colour", "red"))
                .exchange(), 400);

        assertThat(errors(problem)).containsExactlyInAnyOrder("unit_type:invalid_value", "contact_email:email",
                "colour:unknown_field");
    }

    private static Map<?, ?> expectProblem(WebTestClient.ResponseSpec response, int status) {
        return response.expectStatus().isEqualTo(status)
                .expectHeader().contentType("application/problem+json")
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    /** The problem's errors as "field:code", each with a message. */
    private static List<String> errors(Map<?, ?> problem) {
        List<String> errors = new ArrayList<>();
        for (Object e : (List<?>) problem.get("errors")) {
            Map<?, ?> violation = (Map<?, ?>) e;
            assertThat((String) violation.get("message")).isNotBlank();
            errors.add(violation.get("field") + ":" + violation.get("code"));
        }
        return errors;
    }
}
