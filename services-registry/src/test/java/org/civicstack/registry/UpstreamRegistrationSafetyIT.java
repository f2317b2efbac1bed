package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.util.List;

import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SSRF at registration, through the API: every hostile upstream is a 422 naming the field and leaves nothing
 * behind; legitimate public upstreams are accepted. (The policy itself has a larger unit-test corpus in platform.)
 */
class UpstreamRegistrationSafetyIT extends RegistryTestSupport {

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/his", "http://localhost/his", "http://LOCALHOST./his", "http://[::1]/his",
            "http://0.0.0.0/his", "http://0/his", "http://2130706433/his", "http://0x7f000001/his",
            "http://0177.0.0.1/his", "http://127.1/his", "http://127.000.000.001/his", "http://0x7f.0.0.1/his",
            "http://[::ffff:127.0.0.1]/his", "http://[::ffff:7f00:1]/his", "http://[64:ff9b::7f00:1]/his",
            "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://100.100.100.200/",
            "http://[fe80::1%25eth0]/", "http://10.0.0.5/his", "http://192.168.1.10/his", "http://172.16.0.1/his",
            "http://224.0.0.1/his", "http://255.255.255.255/his", "http://240.0.0.1/his", "ftp://101.132.0.10/his",
            "file:///etc/passwd", "gopher://101.132.0.10:70/", "http://user:pass@101.132.0.10/his",
            "http://agency.gov.cn@127.0.0.1/his", "http://101.132.0.10/his#frag", "http:///his",
            "http://256.1.1.1/his", "http://no-such-host.invalid/his"})
    void hostileUpstreamIsRefusedAndNothingIsStored(String url) {
        client.post().uri("/v1/registry/services").headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(java.util.Map.of("code", "sz-ssrf-probe", "definition", aServiceDefinition().withBaseUrl(url).build()))
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.code").isEqualTo("unsafe_upstream")
                .jsonPath("$.errors[0].field").isEqualTo("definition.upstream.base_url");
        assertThat(TestInfrastructure.query("civicstack_registry", "SELECT count(*) FROM service")).containsExactly("0");
    }

    @Test
    void withoutTheLocalDevelopmentSettingLoopbackIsRefusedOnEveryPort() {
        expectRefused(client, agencyToken, "http://127.0.0.1:" + LoopbackUpstreamIT.LISTED_PORT + "/x", "loopback_address");
        expectRefused(client, agencyToken, "http://localhost:" + LoopbackUpstreamIT.LISTED_PORT + "/x", "loopback_address");
        expectRefused(client, agencyToken, "http://[::1]:" + LoopbackUpstreamIT.LISTED_PORT + "/x", "loopback_address");
        client.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.upstream_network.status").isEqualTo("UP")
                .jsonPath("$.components.upstream_network.description").doesNotExist();
    }

    static void expectRefused(WebTestClient client, String token, String url, String reason) {
        client.post().uri("/v1/registry/services").headers(h -> h.setBearerAuth(token))
                .bodyValue(java.util.Map.of("code", "sz-refused", "definition", aServiceDefinition().withBaseUrl(url).build()))
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.code").isEqualTo("unsafe_upstream")
                .jsonPath("$.errors[0].field").isEqualTo("definition.upstream.base_url")
                .jsonPath("$.errors[0].code").isEqualTo(reason);
    }

    @Test
    void legitimatePublicUpstreamsAreAccepted() {
        for (String url : List.of("https://101.132.0.10/his", "http://101.132.0.10:8080/api/v2",
                "https://[2400:3200::1]/his", "https://8.8.8.8/")) {
            createService("sz-ok-" + Math.abs(url.hashCode()), aServiceDefinition().withBaseUrl(url).build());
        }
        assertThat(TestInfrastructure.query("civicstack_registry", "SELECT count(*) FROM service")).containsExactly("4");
    }
}
