package org.civicstack.certificates.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.github.tomakehurst.wiremock.client.WireMock;
import org.civicstack.certificates.BatchResolveStandIn;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * {@code POST /v1/certificates/credentials/batch}: all or nothing. A good batch issues every item as the single form
 * would (wallets, supersession, access log, status slots); any bad item refuses the whole batch with every reason and
 * leaves no row behind; two batches over the same citizens in opposite orders both complete.
 */
class BatchIssuanceIT extends FlowSupport {

    static final String BATCH = "/v1/certificates/credentials/batch";

    @Test
    @SuppressWarnings("unchecked")
    void aBatchIssuesEveryItemAsTheSingleFormWouldAndReplaysItsAnswer() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen first = aCitizen(agency.id());
        Citizen holder = aCitizen(agency.id());
        String ref = UUID.randomUUID().toString();
        verifiedWith("11010519491231002X", ref);
        String old = issue(agency, type, holder, claims("周八"));

        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("credentials", List.of(
                Map.of("type", type, "subject", first.subject(), "claims", claims("王小明")),
                Map.of("type", type, "subject", holder.subject(), "claims", claims("周八"), "valid_until",
                        clock.instant().plus(Duration.ofDays(30)).toString()),
                Map.of("type", type, "resident_id_number", "11010519491231002x", "claims", claims("李四"))));
        var answer = postIdempotent(agency.token(), BATCH, key, body).expectStatus().isCreated()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(answer).doesNotContain("王小明").doesNotContain("1990-03-07");
        Map<String, Object> issued = json(postIdempotent(agency.token(), BATCH, key, body).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true"));
        List<Map<String, Object>> data = (List<Map<String, Object>>) issued.get("data");
        assertThat(data).hasSize(3).allSatisfy(c -> {
            assertThat(c.get("type")).isEqualTo(type);
            assertThat(c.get("status")).isEqualTo("valid");
        });
        assertThat(data).extracting(c -> ((Map<String, Object>) c.get("status_list")).get("uri") + "#"
                + ((Map<String, Object>) c.get("status_list")).get("idx")).doesNotHaveDuplicates();
        assertThat((String) data.get(1).get("expires_at")).startsWith(
                clock.instant().plus(Duration.ofDays(30)).toString().substring(0, 10));

        // each citizen's wallet holds its one credential, with its own claim values
        assertThat(walletNames(first)).containsExactly("王小明");
        assertThat(walletNames(holder)).containsExactly("周八");
        assertThat(pluck(json(get(citizenToken(ref), "/v1/certificates/me/credentials").expectStatus().isOk())
                .get("data"), "id")).containsExactly(data.get(2).get("id"));
        // the holder's earlier credential is superseded by the batch's, as a single issuance would do
        Map<String, Object> before = json(get(agency.token(), "/v1/certificates/credentials/" + old).expectStatus().isOk());
        assertThat(before.get("status")).isEqualTo("superseded");
        assertThat(before.get("superseded_by")).isEqualTo(data.get(1).get("id"));
        assertThat(TestInfrastructure.query(DATABASE, "select kind from access_event where credential_id in ('"
                + data.get(0).get("id") + "', '" + data.get(1).get("id") + "', '" + data.get(2).get("id")
                + "') order by kind")).containsExactly("issued", "issued", "reissued");
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from credential where type_id = '" + type + "'"))
                .containsExactly("4");

        Map<String, Object> reused = json(postIdempotent(agency.token(), BATCH, key, Map.of("credentials",
                List.of(Map.of("type", type, "subject", first.subject(), "claims", claims("王大明")))))
                .expectStatus().isEqualTo(422));
        assertThat(reused.get("code")).isEqualTo("idempotency_key_reused");
    }

    @Test
    void anyItemThatCannotBeIssuedRefusesTheWholeBatchWithEveryReason() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Agency other = anAgency();
        String foreign = registerType(other);
        Citizen citizen = aCitizen(agency.id());
        Citizen second = aCitizen(agency.id());
        BatchResolveStandIn.refusedNumbers.add("110105194912310021");

        // malformed items: 400, every violation under its item, before identity is asked
        Map<String, Object> malformed = json(postIdempotent(agency.token(), BATCH, UUID.randomUUID().toString(),
                Map.of("credentials", List.of(
                        Map.of("type", type, "subject", citizen.subject(), "claims", claims("a")),
                        Map.of("type", type, "subject", second.subject(), "claims", Map.of("full_name", 5,
                                "birth_date", "1990-02-30", "level", 3)),
                        Map.of("type", type, "claims", claims("c")),
                        Map.of("type", type, "subject", "ps_x", "claims", claims("d"), "colour", "red"))))
                .expectStatus().isBadRequest());
        assertThat(malformed.get("code")).isEqualTo("validation_failed");
        assertThat(pluck(malformed.get("errors"), "field")).containsExactlyInAnyOrder("credentials[1].claims.full_name",
                "credentials[1].claims.birth_date", "credentials[2].subject", "credentials[3].colour");

        // items that cannot be issued: 422 credentials_refused, every reason
        Map<String, Object> refused = json(postIdempotent(agency.token(), BATCH, UUID.randomUUID().toString(),
                Map.of("credentials", List.of(
                        Map.of("type", foreign, "subject", citizen.subject(), "claims", claims("a")),
                        Map.of("type", type, "subject", citizen.subject(), "claims", claims("b")),
                        Map.of("type", type, "subject", aSubject(), "claims", claims("c")),
                        Map.of("type", type, "subject", citizen.subject(), "claims", claims("d")),
                        Map.of("type", "no_such_type", "subject", second.subject(), "claims", claims("e")))))
                .expectStatus().isEqualTo(422));
        assertThat(refused.get("code")).isEqualTo("credentials_refused");
        assertThat(refused.get("detail")).isEqualTo("4 of 5 credentials cannot be issued; nothing was issued.");
        assertThat(pluck(refused.get("errors"), "field")).containsExactly("credentials[0].type",
                "credentials[2].subject", "credentials[3].subject", "credentials[4].type");
        assertThat(pluck(refused.get("errors"), "code")).containsExactly("not_the_issuer", "unknown_subject",
                "duplicate_in_batch", "unknown_type");

        // a resident ID number identity refuses (its check character) names its item
        Map<String, Object> badNumber = json(postIdempotent(agency.token(), BATCH, UUID.randomUUID().toString(),
                Map.of("credentials", List.of(
                        Map.of("type", type, "subject", second.subject(), "claims", claims("a")),
                        Map.of("type", type, "resident_id_number", "110105194912310021", "claims", claims("b")))))
                .expectStatus().isEqualTo(422));
        assertThat(pluck(badNumber.get("errors"), "field")).containsExactly("credentials[1].resident_id_number");
        assertThat(pluck(badNumber.get("errors"), "code")).containsExactly("invalid_format");

        // identity failing: 503 to retry
        identity.stubFor(WireMock.post(WireMock.urlEqualTo("/v1/identity/citizen-references/resolve-batch"))
                .atPriority(1).withRequestBody(WireMock.containing("ps_identity_breaks"))
                .willReturn(WireMock.aResponse().withStatus(500)));
        Map<String, Object> down = json(postIdempotent(agency.token(), BATCH, UUID.randomUUID().toString(),
                Map.of("credentials", List.of(Map.of("type", type, "subject", "ps_identity_breaks", "claims", claims("x")))))
                .expectStatus().isEqualTo(503));
        assertThat(down.get("code")).isEqualTo("identity_unavailable");

        // the shape of the batch itself
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            tooMany.add(Map.of("type", type, "subject", citizen.subject(), "claims", claims("x")));
        }
        for (Object shape : List.of(Map.of("credentials", List.of()), Map.of("credentials", tooMany),
                Map.of("credentials", "all of them"), Map.of(), Map.of("credentials", List.of("x")),
                Map.of("credentials", List.of(Map.of("type", type, "subject", citizen.subject(), "claims", claims("x"))),
                        "dry_run", true))) {
            assertThat(json(postIdempotent(agency.token(), BATCH, UUID.randomUUID().toString(), shape)
                    .expectStatus().isBadRequest()).get("code")).isEqualTo("validation_failed");
        }
        Map<String, Object> one = Map.of("credentials", List.of(Map.of("type", type, "subject", citizen.subject(),
                "claims", claims("x"))));
        assertThat(json(post(agency.token(), BATCH, one).expectStatus().isBadRequest()).get("code"))
                .isEqualTo("idempotency_key_required");
        postIdempotent(citizen.token(), BATCH, UUID.randomUUID().toString(), one).expectStatus().isForbidden();

        // nothing of any refused batch was stored
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from credential where type_id in ('" + type
                + "', '" + foreign + "')")).containsExactly("0");
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from access_event where citizen_ref in ('"
                + citizen.ref() + "', '" + second.ref() + "')")).containsExactly("0");
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from wallet_key where citizen_ref in ('"
                + citizen.ref() + "', '" + second.ref() + "')")).containsExactly("0");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFullBatchGetsDistinctStatusSlotsAndOverlappingBatchesBothComplete() {
        Agency agency = anAgency();
        String type = registerType(agency);
        List<Citizen> citizens = new ArrayList<>();
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Citizen c = aCitizen(agency.id());
            citizens.add(c);
            items.add(Map.of("type", type, "subject", c.subject(), "claims", claims("公民" + i)));
        }
        Map<String, Object> full = json(postIdempotent(agency.token(), BATCH, UUID.randomUUID().toString(),
                Map.of("credentials", items)).expectStatus().isCreated());
        List<Map<String, Object>> data = (List<Map<String, Object>>) full.get("data");
        assertThat(data).hasSize(500);
        Set<String> slots = new HashSet<>();
        data.forEach(c -> slots.add(((Map<String, Object>) c.get("status_list")).get("uri") + "#"
                + ((Map<String, Object>) c.get("status_list")).get("idx")));
        assertThat(slots).hasSize(500);
        assertThat(TestInfrastructure.query(DATABASE, "select count(distinct citizen_ref) from credential where type_id = '"
                + type + "' and status = 'valid'")).containsExactly("500");

        // two batches over the same 40 citizens, in opposite orders, at once: both complete (no lock cycle), and
        // each citizen ends with exactly one current credential of the type
        List<Object> forward = new ArrayList<>(items.subList(0, 40));
        List<Object> backward = new ArrayList<>(forward);
        java.util.Collections.reverse(backward);
        List<Integer> statuses = Flux.just(forward, backward)
                .flatMap(batch -> webClient().post().uri(BATCH)
                        .header("Authorization", "Bearer " + agency.token())
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .bodyValue(Map.of("credentials", batch))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())))
                .collectList().block(Duration.ofSeconds(60));
        assertThat(statuses).containsExactly(201, 201);
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from credential where type_id = '" + type
                + "' and status = 'valid'")).containsExactly("500");
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from credential where type_id = '" + type
                + "' and status = 'superseded'")).containsExactly("80");
        assertThat(walletNames(citizens.get(0))).containsExactly("公民0");
    }

    @Test
    void aBatchSentFiveTimesAtOnceWithOneKeyIssuesOnceAndEveryAnswerIsTheSame() {
        Agency agency = anAgency();
        String type = registerType(agency);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            items.add(Map.of("type", type, "subject", aCitizen(agency.id()).subject(), "claims", claims("并发" + i)));
        }
        String key = UUID.randomUUID().toString();
        List<String> answers = Flux.range(0, 5)
                .flatMap(n -> webClient().post().uri(BATCH)
                        .header("Authorization", "Bearer " + agency.token())
                        .header("Idempotency-Key", key)
                        .bodyValue(Map.of("credentials", items))
                        .exchangeToMono(r -> r.bodyToMono(String.class)
                                .map(body -> r.statusCode().value() + " " + r.headers().header("Idempotent-Replayed")
                                        + " " + body)))
                .collectList().block(Duration.ofSeconds(60));
        assertThat(answers).hasSize(5).allSatisfy(a -> assertThat(a).startsWith("201 "));
        assertThat(answers.stream().filter(a -> a.startsWith("201 [] "))).hasSize(1);
        assertThat(answers.stream().map(a -> a.substring(a.indexOf('{'))).distinct()).hasSize(1);
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from credential where type_id = '" + type + "'"))
                .containsExactly("20");
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from access_event a join credential c"
                + " on c.id = a.credential_id where c.type_id = '" + type + "'")).containsExactly("20");
    }

    @Test
    void aBodyOverTheServicesLimitIs413AndNothingIsStored() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        // one item whose name is ~2.4 MB of UTF-8: over the 2 MB the service reads (spring.http.codecs)
        Map<String, Object> answer = json(postIdempotent(agency.token(), BATCH, UUID.randomUUID().toString(),
                Map.of("credentials", List.of(Map.of("type", type, "subject", citizen.subject(),
                        "claims", claims("名".repeat(800_000))))))
                .expectStatus().isEqualTo(413));
        assertThat(answer.get("code")).isEqualTo("payload_too_large");
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from credential where citizen_ref = '"
                + citizen.ref() + "'")).containsExactly("0");
    }

    private org.springframework.web.reactive.function.client.WebClient webClient() {
        return org.springframework.web.reactive.function.client.WebClient.builder().baseUrl("http://localhost:" + port)
                .build();
    }

    /** The {@code full_name} of each current credential in the citizen's wallet, as the wallet shows it. */
    @SuppressWarnings("unchecked")
    private List<Object> walletNames(Citizen citizen) {
        List<Object> ids = pluck(json(get(citizen.token(), "/v1/certificates/me/credentials").expectStatus().isOk())
                .get("data"), "id");
        return ids.stream().map(id -> {
            Map<String, Object> detail = json(get(citizen.token(), "/v1/certificates/me/credentials/" + id)
                    .expectStatus().isOk());
            return (Object) ((List<Map<String, Object>>) detail.get("claims")).stream()
                    .filter(c -> "full_name".equals(c.get("name"))).findFirst().map(c -> c.get("value")).orElse(null);
        }).toList();
    }
}
