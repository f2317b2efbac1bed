package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.civicstack.platform.net.HostResolver;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The upstream URL the policy checked is the one the registry keeps: create, edit and bulk import store, return and
 * publish on the routing change feed the canonical form (IDNA/NFKC, lower-case scheme and host, no default port, no
 * trailing dot), never the text as typed — so what the gateway connects to is exactly what was checked.
 */
@Import(CanonicalUpstreamUrlIT.FakeDns.class)
class CanonicalUpstreamUrlIT extends RegistryTestSupport {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Names of the corpus resolve to a public address without DNS. */
    @TestConfiguration
    static class FakeDns {
        @Bean
        @Primary
        HostResolver fakeHostResolver() {
            return host -> {
                if (host.endsWith(".agency.test") || host.endsWith(".xn--zfr164b.cn")) {
                    return List.of(InetAddress.getByAddress(host, new byte[] {101, (byte) 132, 0, 10}));
                }
                throw new UnknownHostException(host);
            };
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "HTTPS://PUBLIC.AGENCY.TEST/v1           | https://public.agency.test/v1",
            "https://ＰＵＢＬＩＣ.agency.test/v1         | https://public.agency.test/v1",
            "https://深圳.政务.cn/api                  | https://xn--fes124c.xn--zfr164b.cn/api",
            "https://public.agency.test.:443/v1/./x  | https://public.agency.test/v1/x",
            "https://public.agency.test/v1           | https://public.agency.test/v1",
    })
    void createStoresReturnsAndPublishesTheCanonicalUrl(String typed, String canonical) {
        Map<?, ?> created = client.post().uri("/v1/registry/services").headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(Map.of("code", "sz-canonical", "definition", aServiceDefinition().withBaseUrl(typed).build()))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        String id = created.get("id").toString();
        assertThat(baseUrlOf(created)).as("returned").isEqualTo(canonical);

        assertThat(baseUrlOf(service(id))).as("shown").isEqualTo(canonical);
        assertThat(stored(id)).as("stored").containsOnly(canonical);

        action(agencyToken, id, "submit", null).expectStatus().isOk().expectBody().returnResult();
        action(operator, id, "approve", null).expectStatus().isOk().expectBody().returnResult();
        assertThat(feedBaseUrls()).as("change feed").containsExactly(canonical);
        assertThat(snapshotBaseUrls()).as("snapshot").containsExactly(canonical);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "HTTPS://PUBLIC.AGENCY.TEST/v2    | https://public.agency.test/v2",
            "https://ＰＵＢＬＩＣ.agency.test/v2  | https://public.agency.test/v2",
    })
    void editStoresAndPublishesTheCanonicalUrl(String typed, String canonical) {
        String id = publishService("sz-canonical-edit", aServiceDefinition().build());

        Map<?, ?> edited = client.put().uri("/v1/registry/services/{id}/definition", id)
                .headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(aServiceDefinition().withBaseUrl(typed).withVersion("2").build())
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();

        assertThat(baseUrlOf(edited)).isEqualTo(canonical);
        action(agencyToken, id, "submit", null).expectStatus().isOk().expectBody().returnResult();
        action(operator, id, "approve", null).expectStatus().isOk().expectBody().returnResult();
        assertThat(stored(id)).contains(canonical).doesNotContain(typed);
        assertThat(feedBaseUrls()).last().isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "HTTPS://PUBLIC.AGENCY.TEST/v1    | https://public.agency.test/v1",
            "https://ＰＵＢＬＩＣ.agency.test/v1  | https://public.agency.test/v1",
    })
    void bulkImportStoresAndPublishesTheCanonicalUrl(String typed, String canonical) {
        String line = JSON.writeValueAsString(Map.of("agency_id", agencyId, "code", "sz-canonical-bulk",
                "definition", aServiceDefinition().withBaseUrl(typed).build(), "publish", true));

        String results = client.post().uri("/v1/registry/bulk/services").headers(h -> h.setBearerAuth(operator))
                .contentType(MediaType.APPLICATION_NDJSON).bodyValue(line + "\n")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(results).contains("\"status\":\"published\"");
        String id = TestInfrastructure.query("civicstack_registry", "SELECT id FROM service").get(0);
        assertThat(stored(id)).containsOnly(canonical);
        assertThat(feedBaseUrls()).containsExactly(canonical);
        String exported = client.get().uri("/v1/registry/bulk/services").headers(h -> h.setBearerAuth(operator))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(exported).contains("\"base_url\":\"" + canonical + "\"");
    }

    private static String baseUrlOf(Map<?, ?> view) {
        return ((Map<?, ?>) ((Map<?, ?>) view.get("definition")).get("upstream")).get("base_url").toString();
    }

    private static List<String> stored(String serviceId) {
        return TestInfrastructure.query("civicstack_registry", "SELECT definition -> 'upstream' ->> 'base_url' "
                + "FROM service_revision WHERE service_id = '" + serviceId + "' ORDER BY revision");
    }

    private List<String> feedBaseUrls() {
        String feed = client.get().uri("/v1/registry/routing/changes?after=0")
                .headers(h -> h.setBearerAuth(tokens.operator("gateway", "registry:routing")))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return lines(feed).stream().map(l -> JSON.readTree(l).get("base_url").asString()).toList();
    }

    private List<String> snapshotBaseUrls() {
        String snapshot = client.get().uri("/v1/registry/routing/snapshot")
                .headers(h -> h.setBearerAuth(tokens.operator("gateway", "registry:routing")))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return lines(snapshot).stream().skip(1).map(l -> JSON.readTree(l).get("base_url").asString()).toList();
    }
}
