package org.civicstack.payments.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.civicstack.payments.PaymentsTestSupport;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

class OrderCreationIT extends PaymentsTestSupport {

    static Map<String, Object> anOrder(Citizen citizen) {
        Map<String, Object> order = new HashMap<>();
        order.put("reference", "REG-" + UUID.randomUUID().toString().substring(0, 12));
        order.put("citizen_subject", citizen.subject());
        order.put("amount", 2500);
        order.put("currency", "CNY");
        order.put("description", "深圳市人民医院 挂号费 / registration fee");
        order.put("line_items", List.of(Map.of("name", "挂号费", "unit_amount", 2000, "quantity", 1),
                Map.of("name", "诊金", "unit_amount", 500, "quantity", 1)));
        return order;
    }

    WebTestClient.ResponseSpec create(Agency agency, String key, Map<String, Object> body) {
        return client.post().uri("/v1/payments/orders")
                .headers(h -> {
                    h.setBearerAuth(agency.token());
                    if (key != null) {
                        h.set("Idempotency-Key", key);
                    }
                })
                .bodyValue(body)
                .exchange();
    }

    @Test
    void anAgencyMakesOutAnOrderAndTheCitizenSeesIt() {
        Agency agency = anAgency();
        Citizen citizen = aCitizen(agency.id());
        Map<?, ?> created = create(agency, UUID.randomUUID().toString(), anOrder(citizen))
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat((String) created.get("id")).startsWith("pay_");
        assertThat(created.get("status")).isEqualTo("created");
        assertThat(created.get("citizen_subject")).isEqualTo(citizen.subject());
        assertThat(created.get("amount_display")).isEqualTo("25.00");
        assertThat(created.containsKey("citizen_ref")).isFalse();

        Map<?, ?> mine = client.get().uri("/v1/payments/me/orders?status=created,pending")
                .headers(h -> h.setBearerAuth(citizen.token()))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        List<?> data = (List<?>) mine.get("data");
        assertThat(data).hasSize(1);
        assertThat(((Map<?, ?>) data.get(0)).get("id")).isEqualTo(created.get("id"));
        assertThat(((Map<?, ?>) data.get(0)).keySet().stream().map(String::valueOf).toList()).doesNotContain("citizen_subject", "reference");

        Citizen other = aCitizen(agency.id());
        client.get().uri("/v1/payments/me/orders/" + created.get("id"))
                .headers(h -> h.setBearerAuth(other.token()))
                .exchange().expectStatus().isNotFound();
        Agency otherAgency = anAgency();
        client.get().uri("/v1/payments/orders/" + created.get("id"))
                .headers(h -> h.setBearerAuth(otherAgency.token()))
                .exchange().expectStatus().isNotFound();
    }

    @Nested
    class Idempotency {

        @Test
        void theSameKeyAndRequestReplayTheFirstAnswer() {
            Agency agency = anAgency();
            Map<String, Object> order = anOrder(aCitizen(agency.id()));
            String key = UUID.randomUUID().toString();
            String first = create(agency, key, order).expectStatus().isCreated().expectBody(String.class)
                    .returnResult().getResponseBody();
            String again = create(agency, key, order).expectStatus().isCreated()
                    .expectHeader().valueEquals("Idempotent-Replayed", "true")
                    .expectBody(String.class).returnResult().getResponseBody();
            // byte for byte, as Stripe replays: not merely the same JSON re-rendered
            assertThat(again).isEqualTo(first).contains("\"id\":\"pay_");
        }

        @Test
        void theSameKeyWithAnotherRequestIsRefusedAndCreatesNothing() {
            Agency agency = anAgency();
            Map<String, Object> order = anOrder(aCitizen(agency.id()));
            String key = UUID.randomUUID().toString();
            create(agency, key, order).expectStatus().isCreated();
            Map<String, Object> changed = new HashMap<>(order);
            changed.put("amount", 9900);
            changed.remove("line_items");
            create(agency, key, changed).expectStatus().isEqualTo(422)
                    .expectBody().jsonPath("$.code").isEqualTo("idempotency_key_reused");
            assertThat(TestInfrastructure.query("civicstack_payments",
                    "select count(*) from payment where agency_id = '" + agency.id() + "'")).containsExactly("1");
        }

        @Test
        void fiftyConcurrentRequestsWithOneKeyCreateExactlyOneOrder() throws Exception {
            Agency agency = anAgency();
            Map<String, Object> order = anOrder(aCitizen(agency.id()));
            String key = UUID.randomUUID().toString();
            ExecutorService pool = Executors.newFixedThreadPool(50);
            try {
                List<Callable<Map<?, ?>>> calls = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    calls.add(() -> create(agency, key, order).expectStatus().isCreated().expectBody(Map.class)
                            .returnResult().getResponseBody());
                }
                List<Object> ids = new ArrayList<>();
                for (Future<Map<?, ?>> f : pool.invokeAll(calls)) {
                    ids.add(f.get().get("id"));
                }
                assertThat(ids).hasSize(50).containsOnly(ids.get(0));
            } finally {
                pool.shutdownNow();
            }
            assertThat(TestInfrastructure.query("civicstack_payments",
                    "select count(*) from payment where agency_id = '" + agency.id() + "'")).containsExactly("1");
        }

        @Test
        void aMissingOrMalformedKeyIsRefused() {
            Agency agency = anAgency();
            Map<String, Object> order = anOrder(aCitizen(agency.id()));
            create(agency, null, order).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.code").isEqualTo("idempotency_key_required");
            create(agency, "has space", order).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.code").isEqualTo("invalid_idempotency_key");
            create(agency, "x".repeat(256), order).expectStatus().isBadRequest();
        }
    }

    @Test
    void everyBrokenRuleIsReportedAndNothingIsWritten() {
        Agency agency = anAgency();
        Map<String, Object> bad = new HashMap<>();
        bad.put("reference", "bad reference!");
        bad.put("amount", 0);
        bad.put("currency", "USD");
        bad.put("description", "");
        bad.put("expires_at", "tomorrow");
        bad.put("colour", "red");
        create(agency, UUID.randomUUID().toString(), bad).expectStatus().isBadRequest()
                .expectHeader().contentType("application/problem+json")
                .expectBody()
                .jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[?(@.field=='reference')].code").isEqualTo("invalid_format")
                .jsonPath("$.errors[?(@.field=='amount')].code").isEqualTo("out_of_range")
                .jsonPath("$.errors[?(@.field=='currency')].code").isEqualTo("unsupported_currency")
                .jsonPath("$.errors[?(@.field=='citizen_subject')].code").isEqualTo("required")
                .jsonPath("$.errors[?(@.field=='expires_at')].code").isEqualTo("invalid_format")
                .jsonPath("$.errors[?(@.field=='colour')].code").isEqualTo("unknown_field");
        Map<String, Object> lines = anOrder(aCitizen(agency.id()));
        lines.put("amount", 2600);
        create(agency, UUID.randomUUID().toString(), lines).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].code").isEqualTo("does_not_add_up");
        assertThat(TestInfrastructure.query("civicstack_payments",
                "select count(*) from payment where agency_id = '" + agency.id() + "'")).containsExactly("0");
    }

    @Test
    void aSubjectIdentityDoesNotKnowIsRefused() {
        Agency agency = anAgency();
        Map<String, Object> order = anOrder(new Citizen("ps_nobody", "x", "x"));
        create(agency, UUID.randomUUID().toString(), order).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("unknown_citizen");
    }

    @Test
    void aReferenceIsUniquePerAgency() {
        Agency agency = anAgency();
        Map<String, Object> order = anOrder(aCitizen(agency.id()));
        create(agency, UUID.randomUUID().toString(), order).expectStatus().isCreated();
        create(agency, UUID.randomUUID().toString(), order).expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.code").isEqualTo("reference_taken");
        Agency other = anAgency();
        Map<String, Object> same = new HashMap<>(order);
        same.put("citizen_subject", aCitizen(other.id()).subject());
        create(other, UUID.randomUUID().toString(), same).expectStatus().isCreated();
    }

    @Test
    void aCitizenTokenCannotMakeOutOrdersNorAnAgencyUseTheCashier() {
        Agency agency = anAgency();
        Citizen citizen = aCitizen(agency.id());
        client.post().uri("/v1/payments/orders").headers(h -> {
                    h.setBearerAuth(citizen.token());
                    h.set("Idempotency-Key", "k1");
                })
                .bodyValue(anOrder(citizen)).exchange().expectStatus().isForbidden();
        client.get().uri("/v1/payments/me/orders").headers(h -> h.setBearerAuth(agency.token()))
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("citizen_token_required");
    }
}
