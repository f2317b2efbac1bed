package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The local-development setting {@code civicstack.upstream-network.loopback-ports}: with it, the registry accepts a
 * loopback upstream on a listed port, and only there, and shows the setting in health. Without it (the default)
 * loopback is refused on every port: {@link UpstreamRegistrationSafetyIT}.
 */
class LoopbackUpstreamIT extends RegistryTestSupport {

    static final int LISTED_PORT = 19_417;

    @DynamicPropertySource
    static void loopbackPorts(DynamicPropertyRegistry registry) {
        registry.add("civicstack.upstream-network.loopback-ports", () -> LISTED_PORT + ",19418");
    }

    @Test
    void loopbackOnAListedPortIsAccepted() {
        for (String url : new String[] {"http://127.0.0.1:" + LISTED_PORT + "/x", "http://localhost:" + LISTED_PORT + "/x",
                "http://[::1]:" + LISTED_PORT + "/x", "http://LOCALHOST:" + LISTED_PORT + "/x"}) {
            String id = createService("sz-local-" + Math.abs(url.hashCode()), aServiceDefinition().withBaseUrl(url).build());
            assertThat(((Map<?, ?>) ((Map<?, ?>) service(id).get("definition")).get("upstream")).get("base_url"))
                    .isEqualTo(url.replace("LOCALHOST", "localhost"));
        }
    }

    @Test
    void loopbackOnAnUnlistedPortIsRefused() {
        refused("http://127.0.0.1:" + (LISTED_PORT + 2) + "/x", "loopback_address");
        refused("http://localhost/x", "loopback_address");
        refused("http://[::1]:8082/x", "loopback_address");
    }

    @Test
    void metadataAndLoopbackInDisguiseStayRefusedOnAListedPort() {
        refused("http://169.254.169.254:" + LISTED_PORT + "/", "metadata_address");
        refused("http://[::ffff:127.0.0.1]:" + LISTED_PORT + "/", "ipv4_mapped_ipv6");
        refused("http://0.0.0.0:" + LISTED_PORT + "/", "unspecified_address");
    }

    @Test
    void healthShowsTheSetting() {
        client.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.upstream_network.status").isEqualTo("UP")
                .jsonPath("$.components.upstream_network.description")
                .value(d -> assertThat(d.toString()).contains("[" + LISTED_PORT + ", 19418]"));
    }

    void refused(String url, String reason) {
        UpstreamRegistrationSafetyIT.expectRefused(client, agencyToken, url, reason);
    }
}
