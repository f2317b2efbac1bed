package org.civicstack.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicstack.platform.net.UnsafeUpstreamReason.IPV4_EMBEDDED_IPV6;
import static org.civicstack.platform.net.UnsafeUpstreamReason.IPV4_MAPPED_IPV6;
import static org.civicstack.platform.net.UnsafeUpstreamReason.LINK_LOCAL_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.LOOPBACK_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.METADATA_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.PLATFORM_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.PORT_NOT_ALLOWED;
import static org.civicstack.platform.net.UnsafeUpstreamReason.UNSPECIFIED_ADDRESS;
import static org.civicstack.platform.net.UpstreamPolicyFixture.aPolicy;

import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.mock.env.MockEnvironment;

/** The local-development setting {@code civicstack.upstream-network.loopback-ports}, in the policy and the guard. */
class LoopbackPortsTest {

    @Nested
    class Off {

        private final UpstreamUrlPolicy policy = aPolicy().allowingPublicInternet()
                .resolving("localhost", "127.0.0.1", "::1").build();

        @ParameterizedTest
        @ValueSource(strings = {"http://127.0.0.1:9000/x", "http://localhost:9000/x", "http://[::1]:9000/x",
                "http://127.0.0.1/x", "http://127.1.2.3:9000/x"})
        void loopbackIsRefusedByDefault(String url) {
            assertRefused(url, policy, LOOPBACK_ADDRESS);
        }

        @Test
        void guardRefusesLoopbackConnections() {
            UpstreamAddressGuard guard = aPolicy().allowingPublicInternet().guard();

            assertThat(guard.refusalFor(FakeHostResolver.ip("127.0.0.1"), 9000)).contains(LOOPBACK_ADDRESS);
            assertThat(guard.refusalFor(FakeHostResolver.ip("::1"), 9000)).contains(LOOPBACK_ADDRESS);
        }
    }

    @Nested
    class On {

        private final UpstreamPolicyFixture fixture = aPolicy().withLoopbackPorts(9000, 9001)
                .withPlatformAddresses("127.0.0.1:9001")
                .resolving("localhost", "127.0.0.1", "::1")
                .resolving("mixed.example", "127.0.0.1", "61.144.2.3");
        private final UpstreamUrlPolicy policy = fixture.build();

        @ParameterizedTest
        @ValueSource(strings = {"http://127.0.0.1:9000/x", "http://localhost:9000/x", "http://[::1]:9000/x",
                "http://127.0.0.2:9000/x", "https://localhost:9000/"})
        void loopbackOnAListedPortIsAccepted(String url) {
            assertThat(policy.validate(url)).hasToString(UpstreamUrl.parse(url).toString());
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://127.0.0.1:9002/x", "http://localhost:8080/x", "http://127.0.0.1/x",
                "http://[::1]:22/x"})
        void loopbackOnAnotherPortStaysRefused(String url) {
            assertRefused(url, policy, LOOPBACK_ADDRESS);
        }

        @Test
        void thePlatformsOwnAddressesStayRefusedOnAListedPort() {
            assertRefused("http://127.0.0.1:9001/x", policy, PLATFORM_ADDRESS);
        }

        @Test
        void otherAlwaysRefusedRangesAndLoopbackInDisguiseStayRefusedOnAListedPort() {
            assertRefused("http://169.254.169.254:9000/", policy, METADATA_ADDRESS);
            assertRefused("http://169.254.1.1:9000/", policy, LINK_LOCAL_ADDRESS);
            assertRefused("http://0.0.0.0:9000/", policy, UNSPECIFIED_ADDRESS);
            assertRefused("http://[::ffff:127.0.0.1]:9000/", policy, IPV4_MAPPED_IPV6);
            assertRefused("http://[64:ff9b::7f00:1]:9000/", policy, IPV4_EMBEDDED_IPV6);
        }

        @Test
        void nonLoopbackAddressesAreJudgedAsWithoutTheSetting() {
            // nothing else is allowed by this configuration: the setting opens loopback only
            assertRefused("http://mixed.example:9000/", policy, UnsafeUpstreamReason.ADDRESS_NOT_ALLOWED);
            assertRefused("http://10.0.0.1:9000/", policy, UnsafeUpstreamReason.ADDRESS_NOT_ALLOWED);
        }

        @Test
        void allowedPortsDoNotHideTheListedLoopbackPorts() {
            UpstreamUrlPolicy portLimited = aPolicy().allowingPublicInternet().withAllowedPorts(443).withLoopbackPorts(9000)
                    .resolving("agency.gov.cn", "61.144.2.3").build();

            assertThat(portLimited.validate("http://127.0.0.1:9000/x")).hasToString("http://127.0.0.1:9000/x");
            assertRefused("http://agency.gov.cn:9000/", portLimited, PORT_NOT_ALLOWED);
            assertRefused("http://127.0.0.1:9001/", portLimited, PORT_NOT_ALLOWED);
        }

        @Test
        void guardAllowsExactlyTheListedLoopbackPorts() {
            UpstreamAddressGuard guard = fixture.guard();

            assertThat(guard.refusalFor(FakeHostResolver.ip("127.0.0.1"), 9000)).isEmpty();
            assertThat(guard.refusalFor(FakeHostResolver.ip("::1"), 9000)).isEmpty();
            assertThat(guard.refusalFor(FakeHostResolver.ip("127.0.0.1"), 9002)).contains(LOOPBACK_ADDRESS);
            assertThat(guard.refusalFor(FakeHostResolver.ip("127.0.0.1"), 9001)).contains(PLATFORM_ADDRESS);
            assertThat(guard.refusalFor(FakeHostResolver.ipv6("::ffff:127.0.0.1"), 9000)).contains(IPV4_MAPPED_IPV6);
            assertThat(guard.refusalFor(FakeHostResolver.ip("169.254.169.254"), 9000)).contains(METADATA_ADDRESS);
        }
    }

    @Nested
    class Start {

        @Test
        void offThenNothingHappens() {
            LoopbackUpstreams.announce("registry", UpstreamNetworkProperties.none(), Map.of("server.port", 8082));
        }

        @Test
        void aListedPortThatThePlatformUsesFailsStartNamingIt() {
            UpstreamNetworkProperties properties = aPolicy().withLoopbackPorts(9000, 8082).properties();

            assertThatThrownBy(() -> LoopbackUpstreams.announce("registry", properties, Map.of("registry server.port", 8082)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("civicstack.upstream-network.loopback-ports")
                    .hasMessageContaining("CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS")
                    .hasMessageContaining("8082 (registry server.port)");
        }

        @Test
        void ownPortsAreReadFromTheConfiguration() {
            MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "gateway")
                    .withProperty("server.port", "8080").withProperty("management.server.port", "0")
                    .withProperty("civicstack.postgres.host", "localhost").withProperty("civicstack.postgres.port", "5433")
                    .withProperty("civicstack.redis.url", "redis://localhost:6380");

            assertThat(LoopbackUpstreams.ownPorts(environment)).containsEntry("gateway server.port", 8080)
                    .containsEntry("PostgreSQL", 5433).containsEntry("Redis", 6380)
                    .doesNotContainKey("gateway management.server.port");
        }

        @Test
        void healthShowsTheLoopbackPorts() {
            Health off = new UpstreamNetworkHealthIndicator(UpstreamNetworkProperties.none()).health();
            Health on = new UpstreamNetworkHealthIndicator(aPolicy().withLoopbackPorts(9001, 9000).properties()).health();

            assertThat(off.getStatus()).isEqualTo(Status.UP);
            assertThat(off.getDetails()).containsEntry("loopback_ports", java.util.List.of());
            assertThat(on.getStatus().getCode()).isEqualTo("UP");
            assertThat(on.getStatus().getDescription()).contains("[9000, 9001]");
            assertThat(on.getDetails()).containsEntry("loopback_ports", java.util.List.of(9000, 9001));
        }
    }

    private static void assertRefused(String url, UpstreamUrlPolicy policy, UnsafeUpstreamReason reason) {
        assertThatThrownBy(() -> policy.validate(url)).isInstanceOfSatisfying(UnsafeUpstreamException.class,
                e -> assertThat(e.reason()).as(url).isEqualTo(reason));
    }
}
