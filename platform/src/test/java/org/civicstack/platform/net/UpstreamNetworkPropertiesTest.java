package org.civicstack.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class UpstreamNetworkPropertiesTest {

    private static UpstreamNetworkProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("civicstack.upstream-network", UpstreamNetworkProperties.class);
    }

    @Test
    void nothingConfiguredThenEmptyListsAndNoPublicInternet() {
        UpstreamNetworkProperties properties = bind(Map.of());

        assertThat(properties.allowedNetworks()).isEmpty();
        assertThat(properties.allowPublicInternet()).isFalse();
        assertThat(properties.platformAddresses()).isEmpty();
        assertThat(properties.allowedPorts()).isEmpty();
        assertThat(properties.loopbackPorts()).isEmpty();
        assertThat(properties.loopbackAllowed()).isFalse();
    }

    @Test
    void loopbackPortsBindFromThePropertyAndFromTheEnvironmentVariableForm() {
        assertThat(bind(Map.of("civicstack.upstream-network.loopback-ports", "9001,9000")).loopbackPorts())
                .containsExactly(9000, 9001);
        // what Spring's relaxed binding makes of CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS=9000,9001
        UpstreamNetworkProperties fromEnv = new Binder(org.springframework.boot.context.properties.source
                .ConfigurationPropertySources.from(new org.springframework.core.env.SystemEnvironmentPropertySource(
                        "systemEnvironment", Map.of(UpstreamNetworkProperties.LOOPBACK_PORTS_ENV, "9000,9001"))))
                .bindOrCreate("civicstack.upstream-network", UpstreamNetworkProperties.class);
        assertThat(fromEnv.loopbackPorts()).containsExactly(9000, 9001);
        assertThat(fromEnv.loopbackAllowed()).isTrue();
    }

    @Test
    void loopbackPortOutOfRangeThenRejected() {
        assertThatThrownBy(() -> new UpstreamNetworkProperties(List.of(), false, List.of(), List.of(), List.of(0)))
                .hasMessageContaining("loopback-ports: 0");
    }

    @Test
    void bindsFromKebabCaseProperties() {
        UpstreamNetworkProperties properties = bind(Map.of(
                "civicstack.upstream-network.allowed-networks", "10.20.0.0/16, 2408:8000::/20",
                "civicstack.upstream-network.allow-public-internet", "true",
                "civicstack.upstream-network.platform-addresses[0]", "10.20.0.2:8443",
                "civicstack.upstream-network.platform-addresses[1]", "[2408:8000::2]:443",
                "civicstack.upstream-network.allowed-ports", "443,8443"));

        assertThat(properties.allowedNetworks()).containsExactly("10.20.0.0/16", "2408:8000::/20");
        assertThat(properties.allowPublicInternet()).isTrue();
        assertThat(properties.platformAddresses()).containsExactly("10.20.0.2:8443", "[2408:8000::2]:443");
        assertThat(properties.allowedPorts()).containsExactly(443, 8443);
    }

    @Test
    void invalidEntryThenBindingFailsNamingIt() {
        assertThatThrownBy(() -> bind(Map.of("civicstack.upstream-network.allowed-networks", "10.20.0.0/16,10.0.0.300/8")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("allowed-networks[1]: '10.0.0.300/8'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.20.30.40/16", "10.0.0.300/8", "010.0.0.0/8", "0x0a.0.0.0/8", "10/8", "10.0.0.0/08",
            "10.0.0.0/33", "agency.gov.cn", "10.0.0.*", "fe80::1%eth0", ""})
    void allowedNetworkThatIsNotAStrictCidrThenRejected(String entry) {
        assertThatThrownBy(() -> new UpstreamNetworkProperties(List.of(entry), false, List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("allowed-networks[0]");
    }

    @Test
    void cidrWithHostBitsSetThenSuggestsTheBlock() {
        assertThatThrownBy(() -> new UpstreamNetworkProperties(List.of("10.20.30.40/16"), false, List.of(), List.of(), List.of()))
                .hasMessageContaining("did you mean '10.20.0.0/16'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.7:0", "10.0.0.7:65536", "10.0.0.7:http", "[2001:db8::7", "[2001:db8::7]8080",
            "gateway.internal:8443"})
    void platformAddressThatIsNotAnIpWithOptionalPortThenRejected(String entry) {
        assertThatThrownBy(() -> new UpstreamNetworkProperties(List.of(), false, List.of(entry), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("platform-addresses[0]");
    }

    @Test
    void portOutOfRangeThenRejected() {
        assertThatThrownBy(() -> new UpstreamNetworkProperties(List.of(), false, List.of(), List.of(70000), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
