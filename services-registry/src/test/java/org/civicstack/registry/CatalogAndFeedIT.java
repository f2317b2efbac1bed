package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.civicstack.infra.RespCommands;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The citizen catalog (search in Chinese and English, filters, pagination) and the routing feed for gateways. */
class CatalogAndFeedIT extends RegistryTestSupport {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Nested
    class Catalog {

        @Test
        void chineseSubstringFindsTheService() {
            publishService("sz-people-hospital", aServiceDefinition().named("市人民医院预约挂号", "People's Hospital registration").build());
            publishService("sz-provident-fund", aServiceDefinition().named("住房公积金提取", "Housing provident fund withdrawal")
                    .described("提取公积金用于购房或租房", "Withdraw savings to buy or rent a home", "公积金", "housing")
                    .inCategory("housing_provident_fund").build());

            assertThat(codes("/v1/catalog/services?q=挂号")).containsExactly("sz-people-hospital");
            assertThat(codes("/v1/catalog/services?q=公积金")).containsExactly("sz-provident-fund");
            assertThat(codes("/v1/catalog/services?q=HOSPITAL")).containsExactly("sz-people-hospital");
            assertThat(codes("/v1/catalog/services?q=100%25")).isEmpty();
        }

        @Test
        void onlyPublishedServicesAreListedAndSuspendedOnesDisappear() {
            createService("sz-draft-only", aServiceDefinition().build());
            String live = publishService("sz-live", aServiceDefinition().build());

            assertThat(codes("/v1/catalog/services")).containsExactly("sz-live");
            action(operator, live, "suspend", "maintenance").expectStatus().isOk();
            assertThat(codes("/v1/catalog/services")).isEmpty();
            client.get().uri("/v1/catalog/services/sz-live").exchange().expectStatus().isNotFound();
        }

        @Test
        void districtFilterIncludesCityWideServices() {
            publishService("sz-futian-only", aServiceDefinition().inDistricts("futian").build());
            publishService("sz-nanshan-only", aServiceDefinition().inDistricts("nanshan").build());
            publishService("sz-city-wide", aServiceDefinition().build());

            assertThat(codes("/v1/catalog/services?district=futian")).containsExactly("sz-city-wide", "sz-futian-only");
        }

        @Test
        void categoryFilterAndCursorPagination() {
            for (int i = 0; i < 5; i++) {
                publishService("sz-med-" + i, aServiceDefinition().build());
            }
            publishService("sz-tax-0", aServiceDefinition().inCategory("tax").build());

            Map<?, ?> first = page("/v1/catalog/services?category=medical_health&limit=2");
            assertThat(codesOf(first)).containsExactly("sz-med-0", "sz-med-1");
            Map<?, ?> second = page("/v1/catalog/services?category=medical_health&limit=2&cursor=" + first.get("next_cursor"));
            assertThat(codesOf(second)).containsExactly("sz-med-2", "sz-med-3");
            Map<?, ?> third = page("/v1/catalog/services?category=medical_health&limit=2&cursor=" + second.get("next_cursor"));
            assertThat(codesOf(third)).containsExactly("sz-med-4");
            assertThat(third.get("next_cursor")).isNull();
        }

        @Test
        void catalogIsPublicAndNeverShowsUpstreamDetails() {
            publishService("sz-public", aServiceDefinition().build());

            client.get().uri("/v1/catalog/services/sz-public").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.name.zh_cn").isEqualTo("市人民医院预约挂号")
                    .jsonPath("$.access_level").isEqualTo("citizen")
                    .jsonPath("$.upstream").doesNotExist()
                    .jsonPath("$.base_url").doesNotExist();
        }

        @Test
        void acceptLanguagePicksTheDisplayLanguage() {
            publishService("sz-lang", aServiceDefinition().build());

            client.get().uri("/v1/catalog/services/sz-lang").header("Accept-Language", "en-US,en;q=0.9,zh;q=0.5")
                    .exchange().expectBody().jsonPath("$.display_name").isEqualTo("People's Hospital registration");
            client.get().uri("/v1/catalog/services/sz-lang").header("Accept-Language", "zh-CN")
                    .exchange().expectBody().jsonPath("$.display_name").isEqualTo("市人民医院预约挂号");
            client.get().uri("/v1/catalog/services/sz-lang")
                    .exchange().expectBody().jsonPath("$.display_name").isEqualTo("市人民医院预约挂号");
        }

        @Test
        void limitOutOfRangeIsABadRequest() {
            client.get().uri("/v1/catalog/services?limit=500").exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.code").isEqualTo("invalid_limit");
        }
    }

    @Nested
    class RoutingFeed {

        @Test
        void versionsAreContiguousAndTheChangeEndpointCatchesUp() {
            String a = publishService("sz-feed-a", aServiceDefinition().build());
            publishService("sz-feed-b", aServiceDefinition().build());
            action(operator, a, "suspend", "incident").expectStatus().isOk();

            List<Map<?, ?>> changes = changesAfter(0);
            assertThat(changes).extracting(c -> ((Number) c.get("version")).longValue()).containsExactly(1L, 2L, 3L);
            assertThat(changes).extracting(c -> String.valueOf(c.get("status"))).containsExactly("published", "published", "suspended");
            assertThat(changesAfter(2)).extracting(c -> String.valueOf(c.get("code"))).containsExactly("sz-feed-a");
        }

        @Test
        void snapshotHeaderCarriesTheVersionOfItsLines() {
            String a = publishService("sz-snap-a", aServiceDefinition().build());
            action(operator, a, "suspend", "incident").expectStatus().isOk();

            List<String> lines = lines(client.get().uri("/v1/registry/routing/snapshot")
                    .headers(h -> h.setBearerAuth(tokens.operator("gateway", "registry:routing")))
                    .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
            Map<?, ?> header = JSON.readValue(lines.get(0), Map.class);
            assertThat(header.get("version")).isEqualTo(2);
            assertThat(lines).hasSize(2);
            assertThat(JSON.readValue(lines.get(1), Map.class).get("status")).isEqualTo("suspended");
        }

        @Test
        void changesArePublishedOnTheRedisStreamByTheOutboxRelay() throws Exception {
            TestInfrastructure.flushRedis();
            publishService("sz-streamed", aServiceDefinition().build());

            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            String length = "0";
            while (Instant.now().isBefore(deadline)) {
                length = RespCommands.execute(TestInfrastructure.shared().redisUrl(), "XLEN", "cs:registry:routing");
                if (!length.equals(":0")) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(length).isEqualTo(":1");
            // the relay marks the row published in the transaction that follows its XADD
            pollUntil(() -> TestInfrastructure.query("civicstack_registry",
                    "SELECT count(*) FROM outbox_event WHERE published_at IS NULL"), rows -> rows.equals(List.of("0")),
                    Duration.ofSeconds(10));
        }

        @Test
        void feedNeedsTheRoutingScope() {
            client.get().uri("/v1/registry/routing/snapshot").headers(h -> h.setBearerAuth(agencyToken))
                    .exchange().expectStatus().isForbidden();
        }
    }

    @Nested
    class Tokens {

        @Test
        void missingTokenIs401WithBearerChallenge() {
            client.get().uri("/v1/registry/services").exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().valueMatches("WWW-Authenticate", "Bearer.*")
                    .expectHeader().contentType("application/problem+json");
        }

        @Test
        void forgedExpiredOrForeignTokensAreRefused() {
            Map<String, Object> claims = Map.of("scope", "registry:review");
            List<String> bad = List.of(
                    tokens.tokenWith("x", claims, "https://evil.example", List.of("civicstack"), Instant.now().plusSeconds(60), false),
                    tokens.tokenWith("x", claims, "http://localhost:8080", List.of("another-api"), Instant.now().plusSeconds(60), false),
                    tokens.tokenWith("x", claims, "http://localhost:8080", List.of("civicstack"), Instant.now().minusSeconds(120), false),
                    tokens.tokenWith("x", claims, "http://localhost:8080", List.of("civicstack"), Instant.now().plusSeconds(60), true),
                    "not-a-jwt",
                    // RFC 9068: only typ at+jwt is an access token (not an ID token, not a bare JWT)
                    tokens.tokenWithTyp("x", claims, "JWT"),
                    tokens.tokenWithTyp("x", claims, null));
            for (String token : bad) {
                client.get().uri("/v1/registry/agencies").headers(h -> h.setBearerAuth(token))
                        .exchange().expectStatus().isUnauthorized();
            }
        }
    }

    List<String> codes(String uri) {
        return codesOf(page(uri));
    }

    Map<?, ?> page(String uri) {
        return client.get().uri(uri).exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    static List<String> codesOf(Map<?, ?> page) {
        return ((List<?>) page.get("data")).stream().map(item -> ((Map<?, ?>) item).get("code").toString()).toList();
    }

    List<Map<?, ?>> changesAfter(long version) {
        String body = client.get().uri("/v1/registry/routing/changes?after=" + version)
                .headers(h -> h.setBearerAuth(tokens.operator("gateway", "registry:routing")))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return lines(body).stream().filter(l -> !l.isBlank()).<Map<?, ?>>map(l -> JSON.readValue(l, Map.class)).toList();
    }
}
