package org.civicstack.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicstack.platform.net.FakeHostResolver.ip;
import static org.civicstack.platform.net.FakeHostResolver.ipv6;
import static org.civicstack.platform.net.UpstreamPolicyFixture.aPolicy;

import java.util.Optional;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamAddressGuardTest {

    private final UpstreamAddressGuard guard = aPolicy()
            .allowingPublicInternet()
            .allowing("10.20.0.0/16", "2408:8000:1::/48")
            .withPlatformAddresses("10.20.0.2:8443", "10.20.99.0/24", "[2408:8000:1::2]:443")
            .guard();

    @Nested
    class RefusalFor {

        @ParameterizedTest(name = "{0}:{1} -> {2}")
        @CsvSource({
                "127.0.0.1,          80,   LOOPBACK_ADDRESS",
                "::1,                80,   LOOPBACK_ADDRESS",
                "0.0.0.0,            80,   UNSPECIFIED_ADDRESS",
                "169.254.169.254,    80,   METADATA_ADDRESS",
                "fd00:ec2::254,      80,   METADATA_ADDRESS",
                "fd20:ce::254,       80,   METADATA_ADDRESS",
                "100.100.100.200,    80,   METADATA_ADDRESS",
                "192.0.0.192,        80,   METADATA_ADDRESS",
                "169.254.10.10,      80,   LINK_LOCAL_ADDRESS",
                "fe80::abcd,         80,   LINK_LOCAL_ADDRESS",
                "239.255.255.250,    1900, MULTICAST_ADDRESS",
                "ff05::2,            80,   MULTICAST_ADDRESS",
                "255.255.255.255,    80,   BROADCAST_ADDRESS",
                "250.1.2.3,          80,   RESERVED_ADDRESS",
                "64:ff9b::a14:1e28,  80,   IPV4_EMBEDDED_IPV6",
                "10.20.0.2,          8443, PLATFORM_ADDRESS",
                "10.20.99.1,         80,   PLATFORM_ADDRESS",
                "2408:8000:1::2,     443,  PLATFORM_ADDRESS",
                "10.0.0.5,           80,   ADDRESS_NOT_ALLOWED",
                "172.31.255.255,     80,   ADDRESS_NOT_ALLOWED",
                "192.0.2.10,         80,   ADDRESS_NOT_ALLOWED",
                "203.0.113.10,       80,   ADDRESS_NOT_ALLOWED",
                "2001:db8::1,        80,   ADDRESS_NOT_ALLOWED",
                "fd00::1,            80,   ADDRESS_NOT_ALLOWED",
                "4000::1,            80,   ADDRESS_NOT_ALLOWED",
                "58.60.1.10,         0,    PORT_NOT_ALLOWED",
        })
        void refusedAddresses(String address, int port, UnsafeUpstreamReason reason) {
            assertThat(guard.refusalFor(ip(address), port)).contains(reason);
        }

        @ParameterizedTest(name = "{0}:{1} allowed")
        @CsvSource({
                "58.60.1.10,     443",
                "8.8.8.8,        53",
                "10.20.30.40,    8443",
                "10.20.0.2,      9000",
                "2408:8000::1,   443",
                "2408:8000:1::2, 8443",
                "240e:1::1,      443",
        })
        void allowedAddresses(String address, int port) {
            assertThat(guard.refusalFor(ip(address), port)).isEmpty();
        }

        @Test
        void ipv4MappedAddressHeldAsInet6AddressThenRefused() {
            assertThat(guard.refusalFor(ipv6("::ffff:10.20.30.40"), 80))
                    .contains(UnsafeUpstreamReason.IPV4_MAPPED_IPV6);
        }

        @Test
        void ipv4MappedAddressConvertedByTheJdkIsCheckedAsTheIpv4ItIs() {
            // InetAddress.getByName("::ffff:127.0.0.1") already yields the Inet4Address 127.0.0.1
            assertThat(guard.refusalFor(ip("::ffff:127.0.0.1"), 80)).contains(UnsafeUpstreamReason.LOOPBACK_ADDRESS);
        }

        @Test
        void publicAddressWithoutAllowPublicInternetThenRefused() {
            UpstreamAddressGuard privateOnly = aPolicy().allowing("10.20.0.0/16").guard();

            assertThat(privateOnly.refusalFor(ip("58.60.1.10"), 443)).contains(UnsafeUpstreamReason.ADDRESS_NOT_ALLOWED);
            assertThat(privateOnly.refusalFor(ip("10.20.30.40"), 443)).isEmpty();
        }

        @Test
        void portOutsideAllowedPortsThenRefused() {
            UpstreamAddressGuard portLimited = aPolicy().allowingPublicInternet().withAllowedPorts(443).guard();

            assertThat(portLimited.refusalFor(ip("58.60.1.10"), 443)).isEmpty();
            assertThat(portLimited.refusalFor(ip("58.60.1.10"), 80)).contains(UnsafeUpstreamReason.PORT_NOT_ALLOWED);
        }
    }

    @Nested
    class Check {

        @Test
        void refusedAddressThenThrowsWithReason() {
            assertThatThrownBy(() -> guard.check(ip("169.254.169.254"), 80))
                    .isInstanceOfSatisfying(UnsafeUpstreamException.class,
                            e -> assertThat(e.reason()).isEqualTo(UnsafeUpstreamReason.METADATA_ADDRESS));
        }

        @Test
        void allowedAddressThenReturnsQuietly() {
            guard.check(ip("10.20.30.40"), 8443);
            assertThat(guard.refusalFor(ip("10.20.30.40"), 8443)).isEqualTo(Optional.empty());
        }
    }
}
