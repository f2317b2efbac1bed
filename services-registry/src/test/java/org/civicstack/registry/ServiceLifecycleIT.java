package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.util.List;
import java.util.Map;

import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The service lifecycle through the API: every transition, its audit record and its routing effect. */
class ServiceLifecycleIT extends RegistryTestSupport {

    @Nested
    class Drafting {

        @Test
        void agencyCreatesADraftThatIsNotRouted() {
            String id = createService("sz-people-hospital", aServiceDefinition().build());

            Map<?, ?> service = service(id);
            assertThat(service.get("status")).isEqualTo("draft");
            assertThat(service.get("code")).isEqualTo("sz-people-hospital");
            assertThat(service.get("agency_id")).isEqualTo(agencyId);
            assertThat(service.get("live_revision")).isNull();
            assertThat(routingCodes()).doesNotContain("sz-people-hospital");
        }

        @Test
        void duplicateCodeIsAConflictAndChangesNothing() {
            createService("sz-dup", aServiceDefinition().build());

            client.post().uri("/v1/registry/services").headers(h -> h.setBearerAuth(agencyToken))
                    .bodyValue(Map.of("code", "sz-dup", "definition", aServiceDefinition().withVersion("2").build()))
                    .exchange()
                    .expectStatus().isEqualTo(409)
                    .expectBody().jsonPath("$.code").isEqualTo("service_code_taken");
            assertThat(auditActions()).containsOnlyOnce("service.create");
        }

        @Test
        void invalidDefinitionListsEveryProblem() {
            Map<String, Object> bad = aServiceDefinition().inCategory("Medical Health").withTimeoutMs(5).build();

            client.post().uri("/v1/registry/services").headers(h -> h.setBearerAuth(agencyToken))
                    .bodyValue(Map.of("code", "sz-bad", "definition", bad))
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.code").isEqualTo("validation_failed")
                    .jsonPath("$.errors[?(@.field == 'definition.category')].code").isEqualTo("pattern")
                    .jsonPath("$.errors[?(@.field == 'definition.upstream.timeout_ms')].code").isEqualTo("min");
        }

        @Test
        void crossFieldRulesAreChecked() {
            Map<String, Object> bad = aServiceDefinition().inDistricts("futian", "atlantis").build();

            client.post().uri("/v1/registry/services").headers(h -> h.setBearerAuth(agencyToken))
                    .bodyValue(Map.of("code", "sz-districts", "definition", bad))
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.errors[0].code").isEqualTo("unknown_district");
        }

        @Test
        void invalidCodeIsRejected() {
            client.post().uri("/v1/registry/services").headers(h -> h.setBearerAuth(agencyToken))
                    .bodyValue(Map.of("code", "Not A Slug", "definition", aServiceDefinition().build()))
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("code");
        }
    }

    @Nested
    class Review {

        @Test
        void submitThenApprovePublishesAndRoutes() {
            String id = createService("sz-approve", aServiceDefinition().build());
            action(agencyToken, id, "submit", null).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("submitted");

            action(operator, id, "approve", null).expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("published").jsonPath("$.live_revision").isEqualTo(1);

            assertThat(routingCodes()).contains("sz-approve");
            assertThat(auditActions()).containsSubsequence("service.create", "service.submit", "service.approve");
        }

        @Test
        void rejectSendsBackToDraftWithTheReason() {
            String id = createService("sz-reject", aServiceDefinition().build());
            action(agencyToken, id, "submit", null).expectStatus().isOk();

            action(operator, id, "reject", "上游地址未备案 / upstream not on file").expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("draft")
                    .jsonPath("$.latest_revision_state").isEqualTo("draft")
                    .jsonPath("$.latest_reject_reason").isEqualTo("上游地址未备案 / upstream not on file");
            assertThat(routingCodes()).doesNotContain("sz-reject");
        }

        @Test
        void agencyCannotApproveItsOwnService() {
            String id = createService("sz-self-approve", aServiceDefinition().build());
            action(agencyToken, id, "submit", null).expectStatus().isOk();

            action(agencyToken, id, "approve", null).expectStatus().isForbidden()
                    .expectBody().jsonPath("$.code").isEqualTo("insufficient_scope");
            assertThat(service(id).get("status")).isEqualTo("submitted");
        }

        @Test
        void illegalTransitionIsAConflict() {
            String id = createService("sz-illegal", aServiceDefinition().build());

            action(operator, id, "suspend", "incident").expectStatus().isEqualTo(409)
                    .expectBody().jsonPath("$.code").isEqualTo("illegal_transition");
            action(operator, id, "approve", null).expectStatus().isEqualTo(409)
                    .expectBody().jsonPath("$.code").isEqualTo("nothing_to_approve");
            assertThat(service(id).get("status")).isEqualTo("draft");
        }
    }

    @Nested
    class Operations {

        @Test
        void suspendResumeRetireReachTheRoutingFeed() {
            String id = publishService("sz-ops", aServiceDefinition().build());

            action(operator, id, "suspend", "上游故障 upstream outage").expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("suspended");
            assertThat(latestRouteStatus("sz-ops")).isEqualTo("suspended");
            action(operator, id, "resume", null).expectStatus().isOk();
            assertThat(latestRouteStatus("sz-ops")).isEqualTo("published");
            action(operator, id, "retire", "merged into sz-ops-2").expectStatus().isOk();
            assertThat(latestRouteStatus("sz-ops")).isEqualTo("retired");

            action(operator, id, "resume", null).expectStatus().isEqualTo(409);
            assertThat(auditActions()).containsSubsequence("service.suspend", "service.resume", "service.retire");
        }

        @Test
        void editingAPublishedServiceCreatesARevisionWhileTheOldOneServes() {
            String id = publishService("sz-revise", aServiceDefinition().withVersion("1.0").build());

            client.put().uri("/v1/registry/services/{id}/definition", id).headers(h -> h.setBearerAuth(agencyToken))
                    .bodyValue(aServiceDefinition().withVersion("2.0").withTimeoutMs(9000).build())
                    .exchange().expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("published")
                    .jsonPath("$.live_revision").isEqualTo(1)
                    .jsonPath("$.latest_revision").isEqualTo(2)
                    .jsonPath("$.latest_revision_state").isEqualTo("draft");
            assertThat(latestRoute("sz-revise").get("timeout_ms")).isEqualTo(3000);

            action(agencyToken, id, "submit", null).expectStatus().isOk();
            action(operator, id, "approve", null).expectStatus().isOk()
                    .expectBody().jsonPath("$.live_revision").isEqualTo(2).jsonPath("$.previous_revision").isEqualTo(1);
            assertThat(latestRoute("sz-revise").get("timeout_ms")).isEqualTo(9000);

            action(operator, id, "rollback", null).expectStatus().isOk()
                    .expectBody().jsonPath("$.live_revision").isEqualTo(1).jsonPath("$.previous_revision").isEqualTo(2);
            assertThat(latestRoute("sz-revise").get("timeout_ms")).isEqualTo(3000);
            assertThat(latestRoute("sz-revise").get("revision")).isEqualTo(1);
        }

        @Test
        void revisionUnderReviewCannotBeEdited() {
            String id = createService("sz-under-review", aServiceDefinition().build());
            action(agencyToken, id, "submit", null).expectStatus().isOk();

            client.put().uri("/v1/registry/services/{id}/definition", id).headers(h -> h.setBearerAuth(agencyToken))
                    .bodyValue(aServiceDefinition().withVersion("x").build())
                    .exchange().expectStatus().isEqualTo(409)
                    .expectBody().jsonPath("$.code").isEqualTo("revision_under_review");
        }

        @Test
        void rollbackWithoutAnEarlierRevisionIsAConflict() {
            String id = publishService("sz-no-rollback", aServiceDefinition().build());

            action(operator, id, "rollback", null).expectStatus().isEqualTo(409)
                    .expectBody().jsonPath("$.code").isEqualTo("nothing_to_roll_back");
        }
    }

    @Nested
    class Ownership {

        @Test
        void anotherAgencySeesNothing() {
            String id = createService("sz-private", aServiceDefinition().build());
            String other = registerAgency("other-agency-client");
            String otherToken = tokens.agency("other-agency-client", other, "registry:write", "registry:read");

            client.get().uri("/v1/registry/services/{id}", id).headers(h -> h.setBearerAuth(otherToken))
                    .exchange().expectStatus().isNotFound();
            action(otherToken, id, "submit", null).expectStatus().isNotFound();
            client.get().uri("/v1/registry/services").headers(h -> h.setBearerAuth(otherToken))
                    .exchange().expectStatus().isOk().expectBody().jsonPath("$.data.length()").isEqualTo(0);
        }

        @Test
        void agencyListsOnlyItsOwnAgencyWithTheReadScopeAndOperatorsListEvery() {
            String other = registerAgency("listing-other-client");
            String readOnly = tokens.agency("listing-other-client", other, "registry:read");

            client.get().uri("/v1/registry/agencies").headers(h -> h.setBearerAuth(readOnly))
                    .exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(1)
                    .jsonPath("$.data[0].id").isEqualTo(other)
                    .jsonPath("$.data[0].oauth_client_id").isEqualTo("listing-other-client")
                    .jsonPath("$.next_cursor").doesNotExist();
            client.get().uri("/v1/registry/agencies/{id}", agencyId).headers(h -> h.setBearerAuth(readOnly))
                    .exchange().expectStatus().isNotFound();
            client.get().uri("/v1/registry/agencies").headers(h -> h.setBearerAuth(operator))
                    .exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.data[*].id").value(ids -> assertThat((List<Object>) ids).containsExactlyInAnyOrder(agencyId, other));
            String writeOnly = tokens.agency("listing-other-client", other, "registry:write");
            client.get().uri("/v1/registry/agencies").headers(h -> h.setBearerAuth(writeOnly))
                    .exchange().expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("insufficient_scope");
            String unbound = tokens.agency("no-agency-client", "agy_unknown", "registry:read");
            client.get().uri("/v1/registry/agencies").headers(h -> h.setBearerAuth(unbound))
                    .exchange().expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("not_an_agency");
        }
    }

    static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    List<Map<?, ?>> routes() {
        return lines(snapshot()).stream().skip(1).<Map<?, ?>>map(l -> JSON.readValue(l, Map.class)).toList();
    }

    List<String> routingCodes() {
        return routes().stream().map(r -> r.get("code").toString()).toList();
    }

    String snapshot() {
        return client.get().uri("/v1/registry/routing/snapshot")
                .headers(h -> h.setBearerAuth(tokens.operator("gateway", "registry:routing")))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    Map<?, ?> latestRoute(String code) {
        return routes().stream().filter(r -> code.equals(r.get("code"))).findFirst().orElseThrow();
    }

    String latestRouteStatus(String code) {
        return latestRoute(code).get("status").toString();
    }

    List<String> auditActions() {
        return TestInfrastructure.query("civicstack_registry", "SELECT action FROM audit_event ORDER BY id");
    }
}
