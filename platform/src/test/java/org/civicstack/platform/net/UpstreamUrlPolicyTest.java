package org.civicstack.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicstack.platform.net.FakeHostResolver.ipv6;
import static org.civicstack.platform.net.UnsafeUpstreamReason.ADDRESS_NOT_ALLOWED;
import static org.civicstack.platform.net.UnsafeUpstreamReason.BROADCAST_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.CREDENTIALS_IN_URL;
import static org.civicstack.platform.net.UnsafeUpstreamReason.FRAGMENT_NOT_ALLOWED;
import static org.civicstack.platform.net.UnsafeUpstreamReason.INVALID_HOST;
import static org.civicstack.platform.net.UnsafeUpstreamReason.INVALID_PORT;
import static org.civicstack.platform.net.UnsafeUpstreamReason.IPV4_EMBEDDED_IPV6;
import static org.civicstack.platform.net.UnsafeUpstreamReason.IPV4_MAPPED_IPV6;
import static org.civicstack.platform.net.UnsafeUpstreamReason.LINK_LOCAL_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.LOOPBACK_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.MALFORMED_URL;
import static org.civicstack.platform.net.UnsafeUpstreamReason.METADATA_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.MISSING_HOST;
import static org.civicstack.platform.net.UnsafeUpstreamReason.MULTICAST_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.NON_CANONICAL_IP_LITERAL;
import static org.civicstack.platform.net.UnsafeUpstreamReason.PLATFORM_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.PORT_NOT_ALLOWED;
import static org.civicstack.platform.net.UnsafeUpstreamReason.RESERVED_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.SCHEME_NOT_ALLOWED;
import static org.civicstack.platform.net.UnsafeUpstreamReason.UNRESOLVABLE_HOST;
import static org.civicstack.platform.net.UnsafeUpstreamReason.UNSPECIFIED_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.ZONE_ID_NOT_ALLOWED;
import static org.civicstack.platform.net.UpstreamPolicyFixture.aPolicy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UpstreamUrlPolicyTest {

    /**
     * A deployment like the real one: agencies on 10.20.0.0/16 and on the public internet; the gateway listens on
     * 10.20.0.2:8443 and the platform's own subnet is 10.20.99.0/24.
     */
    private static UpstreamPolicyFixture agencyNetworkPolicy() {
        return aPolicy()
                .allowingPublicInternet()
                .allowing("10.20.0.0/16")
                .withPlatformAddresses("10.20.0.2:8443", "10.20.99.0/24")
                .resolving("api.health.sz.gov.cn", "58.60.1.10")
                .resolving("agency.gov.cn", "61.144.2.3")
                .resolving("internal.agency.gov.cn", "10.20.30.40")
                .resolving("v6.agency.gov.cn", "2408:8000:1::10")
                .resolving("xn--fes124c.xn--zfr164b.cn", "58.60.1.11")
                .resolving("localhost", "127.0.0.1", "::1")
                .resolving("metadata.google.internal", "169.254.169.254")
                .resolving("metadata.tencentyun.com", "169.254.0.23")
                .resolving("127.0.0.1.nip.io", "127.0.0.1")
                .resolving("rebind.agency.gov.cn", "61.144.2.3", "10.0.0.5")
                .resolving("split.agency.gov.cn", "61.144.2.3", "127.0.0.1")
                .resolving("mapped.agency.gov.cn", ipv6("::ffff:10.20.30.40"))
                .resolving("gateway.agency.gov.cn", "10.20.99.7")
                .resolving("printer.agency.gov.cn", "192.168.1.20");
    }

    private final UpstreamPolicyFixture fixture = agencyNetworkPolicy();
    private final UpstreamUrlPolicy policy = fixture.build();

    private static Arguments hostile(String url, UnsafeUpstreamReason reason) {
        return arguments(url, reason);
    }

    /** SSRF registration attempts; each must be refused for its specific reason. */
    static Stream<Arguments> hostileCorpus() {
        return Stream.of(
                // loopback and unspecified, literal and by name
                hostile("http://127.0.0.1/", LOOPBACK_ADDRESS),
                hostile("http://127.8.9.10:8080/admin", LOOPBACK_ADDRESS),
                hostile("http://localhost/", LOOPBACK_ADDRESS),
                hostile("http://LOCALHOST./", LOOPBACK_ADDRESS),
                hostile("http://ｌｏｃａｌｈｏｓｔ/", LOOPBACK_ADDRESS),
                hostile("http://127.0.0.1.nip.io/", LOOPBACK_ADDRESS),
                hostile("http://[::1]/", LOOPBACK_ADDRESS),
                hostile("http://[0:0:0:0:0:0:0:1]/", LOOPBACK_ADDRESS),
                hostile("http://0.0.0.0/", UNSPECIFIED_ADDRESS),
                hostile("http://0.0.0.0:8080/actuator", UNSPECIFIED_ADDRESS),
                hostile("http://[::]/", UNSPECIFIED_ADDRESS),
                // odd IPv4 encodings
                hostile("http://0/", NON_CANONICAL_IP_LITERAL),
                hostile("http://2130706433/", NON_CANONICAL_IP_LITERAL),
                hostile("http://2852039166/latest/meta-data/", NON_CANONICAL_IP_LITERAL),
                hostile("http://0x7f000001/", NON_CANONICAL_IP_LITERAL),
                hostile("http://0X7F000001/", NON_CANONICAL_IP_LITERAL),
                hostile("http://0177.0.0.1/", NON_CANONICAL_IP_LITERAL),
                hostile("http://127.1/", NON_CANONICAL_IP_LITERAL),
                hostile("http://0x7f.0.0.1/", NON_CANONICAL_IP_LITERAL),
                hostile("http://127.000.000.001/", NON_CANONICAL_IP_LITERAL),
                hostile("http://256.1.1.1/", NON_CANONICAL_IP_LITERAL),
                hostile("http://127.0.0.1./", NON_CANONICAL_IP_LITERAL),
                hostile("http://１２７.０.０.１/", NON_CANONICAL_IP_LITERAL),
                hostile("http://127。0。0。1/", NON_CANONICAL_IP_LITERAL),
                hostile("http://agency.123/", NON_CANONICAL_IP_LITERAL),
                // IPv4 inside IPv6
                hostile("http://[::ffff:127.0.0.1]/", IPV4_MAPPED_IPV6),
                hostile("http://[::ffff:7f00:1]/", IPV4_MAPPED_IPV6),
                hostile("http://[0:0:0:0:0:ffff:a9fe:a9fe]/", IPV4_MAPPED_IPV6),
                hostile("http://[::ffff:10.20.30.40]/", IPV4_MAPPED_IPV6),
                hostile("http://mapped.agency.gov.cn/", IPV4_MAPPED_IPV6),
                hostile("http://[::127.0.0.1]/", IPV4_EMBEDDED_IPV6),
                hostile("http://[64:ff9b::7f00:1]/", IPV4_EMBEDDED_IPV6),
                hostile("http://[64:ff9b::169.254.169.254]/", IPV4_EMBEDDED_IPV6),
                hostile("http://[2002:7f00:1::]/", IPV4_EMBEDDED_IPV6),
                hostile("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", IPV4_EMBEDDED_IPV6),
                hostile("http://[::ffff:0:127.0.0.1]/", IPV4_EMBEDDED_IPV6),
                // cloud metadata and link-local
                hostile("http://169.254.169.254/latest/meta-data/", METADATA_ADDRESS),
                hostile("http://169.254.170.2/v2/credentials", METADATA_ADDRESS),
                hostile("http://metadata.google.internal/computeMetadata/v1/", METADATA_ADDRESS),
                hostile("http://metadata.tencentyun.com/latest/meta-data/", METADATA_ADDRESS),
                hostile("http://100.100.100.200/latest/meta-data/", METADATA_ADDRESS),
                hostile("http://192.0.0.192/opc/v1/instance/", METADATA_ADDRESS),
                hostile("http://[fd00:ec2::254]/latest/meta-data/", METADATA_ADDRESS),
                hostile("http://169.254.1.1/", LINK_LOCAL_ADDRESS),
                hostile("http://[fe80::1]/", LINK_LOCAL_ADDRESS),
                hostile("http://[fe80::1%25eth0]/", ZONE_ID_NOT_ALLOWED),
                // multicast, broadcast, reserved
                hostile("http://224.0.0.1/", MULTICAST_ADDRESS),
                hostile("http://[ff02::1]/", MULTICAST_ADDRESS),
                hostile("http://255.255.255.255/", BROADCAST_ADDRESS),
                hostile("http://240.0.0.1/", RESERVED_ADDRESS),
                // networks not configured, and rebinding-style names with one bad address among good ones
                hostile("http://10.0.0.5/", ADDRESS_NOT_ALLOWED),
                hostile("http://172.16.0.1/", ADDRESS_NOT_ALLOWED),
                hostile("http://192.168.1.1/", ADDRESS_NOT_ALLOWED),
                hostile("http://100.64.0.1/", ADDRESS_NOT_ALLOWED),
                hostile("http://198.18.0.1/", ADDRESS_NOT_ALLOWED),
                hostile("http://[fd12:3456::1]/", ADDRESS_NOT_ALLOWED),
                hostile("http://printer.agency.gov.cn/", ADDRESS_NOT_ALLOWED),
                hostile("http://rebind.agency.gov.cn/", ADDRESS_NOT_ALLOWED),
                hostile("http://split.agency.gov.cn/", LOOPBACK_ADDRESS),
                // the platform's own listeners, even inside the allowed agency network
                hostile("https://10.20.0.2:8443/", PLATFORM_ADDRESS),
                hostile("http://10.20.99.5/", PLATFORM_ADDRESS),
                hostile("http://gateway.agency.gov.cn/", PLATFORM_ADDRESS),
                // schemes
                hostile("ftp://agency.gov.cn/", SCHEME_NOT_ALLOWED),
                hostile("file:///etc/passwd", SCHEME_NOT_ALLOWED),
                hostile("gopher://agency.gov.cn:70/_GET%20/", SCHEME_NOT_ALLOWED),
                hostile("jar:http://agency.gov.cn/x.jar!/", SCHEME_NOT_ALLOWED),
                hostile("dict://127.0.0.1:11211/stats", SCHEME_NOT_ALLOWED),
                hostile("ws://agency.gov.cn/", SCHEME_NOT_ALLOWED),
                hostile("//agency.gov.cn/", MALFORMED_URL),
                // credentials and parser confusion
                hostile("http://user:pass@agency.gov.cn/", CREDENTIALS_IN_URL),
                hostile("http://agency.gov.cn@127.0.0.1/", CREDENTIALS_IN_URL),
                hostile("http://@agency.gov.cn/", CREDENTIALS_IN_URL),
                hostile("http://agency.gov.cn\\@127.0.0.1/", MALFORMED_URL),
                hostile("http://agency.gov.cn/#@127.0.0.1", FRAGMENT_NOT_ALLOWED),
                hostile("http://agency.gov.cn/api#section", FRAGMENT_NOT_ALLOWED),
                // missing or broken hosts and ports
                hostile("http:///x", MISSING_HOST),
                hostile("http://", MISSING_HOST),
                hostile("http://:8080/", MISSING_HOST),
                hostile("http://agency.gov.cn\r\nX-Injected: 1/", MALFORMED_URL),
                hostile("http://agency .gov.cn/", MALFORMED_URL),
                hostile(" http://agency.gov.cn/", MALFORMED_URL),
                hostile("http://agency.gov.cn/<script>", MALFORMED_URL),
                hostile("http://agency_gov.cn/", INVALID_HOST),
                hostile("http://127.0.0.1%2f.agency.gov.cn/", INVALID_HOST),
                hostile("http://-agency.gov.cn/", INVALID_HOST),
                hostile("http://agency..gov.cn/", INVALID_HOST),
                hostile("http://[127.0.0.1]/", INVALID_HOST),
                hostile("http://[v1.fe80::a]/", INVALID_HOST),
                hostile("http://[::1/", MALFORMED_URL),
                hostile("http://agency.gov.cn:0/", INVALID_PORT),
                hostile("http://agency.gov.cn:65536/", INVALID_PORT),
                hostile("http://agency.gov.cn:080/", INVALID_PORT),
                hostile("http://agency.gov.cn:80:80/", INVALID_PORT),
                hostile("http://unknown.agency.gov.cn/", UNRESOLVABLE_HOST));
    }

    @Nested
    class HostileCorpus {

        @ParameterizedTest(name = "[{index}] {0} -> {1}")
        @MethodSource("org.civicstack.platform.net.UpstreamUrlPolicyTest#hostileCorpus")
        void registrationAttemptIsRefusedWithItsReason(String url, UnsafeUpstreamReason reason) {
            assertThatThrownBy(() -> policy.validate(url))
                    .isInstanceOfSatisfying(UnsafeUpstreamException.class,
                            e -> assertThat(e.reason()).isEqualTo(reason));
        }

        @Test
        void corpusHasAtLeastFortyAttempts() {
            assertThat(hostileCorpus().count()).isGreaterThanOrEqualTo(40);
        }
    }

    @Nested
    class Legitimate {

        @Test
        void publicHostWhenPublicInternetIsAllowedThenAcceptedAsGiven() {
            UpstreamUrl url = policy.validate("https://api.health.sz.gov.cn/v1");

            assertThat(url).hasToString("https://api.health.sz.gov.cn/v1");
            assertThat(url.host()).isEqualTo("api.health.sz.gov.cn");
            assertThat(url.port()).isEqualTo(443);
            assertThat(url.isIpLiteral()).isFalse();
        }

        @Test
        void privateAddressInConfiguredNetworkThenAccepted() {
            assertThat(policy.validate("http://10.20.30.40:8443/svc")).hasToString("http://10.20.30.40:8443/svc");
            assertThat(policy.validate("http://internal.agency.gov.cn/svc")).hasToString("http://internal.agency.gov.cn/svc");
        }

        @Test
        void platformAddressOnAnotherPortThenAccepted() {
            assertThat(policy.validate("http://10.20.0.2:9000/")).hasToString("http://10.20.0.2:9000/");
        }

        @Test
        void publicIpv6ThenAcceptedInCanonicalForm() {
            assertThat(policy.validate("https://[2408:8000:0001:0000::0010]/api")).hasToString("https://[2408:8000:1::10]/api");
            assertThat(policy.validate("https://v6.agency.gov.cn/api")).hasToString("https://v6.agency.gov.cn/api");
        }

        @Test
        void pathAndQueryArePreservedWhileSchemeHostAndDefaultPortAreNormalised() {
            UpstreamUrl url = policy.validate("HTTPS://API.Health.SZ.gov.cn:443/v1/items%20all?lang=zh-CN&page=2");

            assertThat(url).hasToString("https://api.health.sz.gov.cn/v1/items%20all?lang=zh-CN&page=2");
            assertThat(url.path()).isEqualTo("/v1/items%20all");
            assertThat(url.query()).contains("lang=zh-CN&page=2");
        }

        @Test
        void idnHostIsNormalisedToPunycodeBeforeResolving() {
            assertThat(policy.validate("https://深圳.政务.cn/api")).hasToString("https://xn--fes124c.xn--zfr164b.cn/api");
            assertThat(fixture.resolver().lookups()).containsExactly("xn--fes124c.xn--zfr164b.cn");
        }

        @Test
        void trailingDotAndEmptyPathAreNormalised() {
            assertThat(policy.validate("https://agency.gov.cn.")).hasToString("https://agency.gov.cn/");
        }

        @Test
        void allowedPortThenAccepted() {
            UpstreamUrlPolicy portLimited = aPolicy().allowingPublicInternet().withAllowedPorts(443, 8443)
                    .resolving("agency.gov.cn", "61.144.2.3").build();

            assertThat(portLimited.validate("https://agency.gov.cn:8443/")).hasToString("https://agency.gov.cn:8443/");
        }
    }

    @Nested
    class Configuration {

        @Test
        void publicAddressWhenPublicInternetNotAllowedThenRefused() {
            UpstreamUrlPolicy privateOnly = aPolicy().allowing("10.20.0.0/16")
                    .resolving("api.health.sz.gov.cn", "58.60.1.10").build();

            assertRefused(() -> privateOnly.validate("https://api.health.sz.gov.cn/v1"), ADDRESS_NOT_ALLOWED);
            assertThat(privateOnly.validate("http://10.20.30.40/")).hasToString("http://10.20.30.40/");
        }

        @Test
        void nothingConfiguredThenEverythingRefused() {
            UpstreamUrlPolicy empty = aPolicy().resolving("agency.gov.cn", "61.144.2.3").build();

            assertRefused(() -> empty.validate("https://agency.gov.cn/"), ADDRESS_NOT_ALLOWED);
        }

        @Test
        void portNotInAllowedPortsThenRefusedBeforeAnyLookup() {
            UpstreamPolicyFixture portLimited = aPolicy().allowingPublicInternet().withAllowedPorts(443)
                    .resolving("agency.gov.cn", "61.144.2.3");

            assertRefused(() -> portLimited.build().validate("https://agency.gov.cn:22/"), PORT_NOT_ALLOWED);
            assertRefused(() -> portLimited.build().validate("http://agency.gov.cn/"), PORT_NOT_ALLOWED);
            assertThat(portLimited.resolver().lookups()).isEmpty();
        }

        @Test
        void alwaysRefusedRangesCannotBeAllowedByConfiguration() {
            UpstreamUrlPolicy permissive = aPolicy().allowingPublicInternet().allowing("0.0.0.0/0", "::/0").build();

            assertRefused(() -> permissive.validate("http://127.0.0.1/"), LOOPBACK_ADDRESS);
            assertRefused(() -> permissive.validate("http://169.254.169.254/"), METADATA_ADDRESS);
            assertRefused(() -> permissive.validate("http://[::ffff:10.0.0.1]/"), IPV4_MAPPED_IPV6);
            assertThat(permissive.validate("http://10.0.0.5/")).hasToString("http://10.0.0.5/");
        }
    }

    @Nested
    class Resolution {

        @Test
        void ipLiteralsAreNeverResolved() {
            policy.validate("http://10.20.30.40/");
            assertRefused(() -> policy.validate("http://127.0.0.1/"), LOOPBACK_ADDRESS);

            assertThat(fixture.resolver().lookups()).isEmpty();
        }

        @Test
        void syntaxIsRefusedBeforeAnyLookup() {
            assertRefused(() -> policy.validate("http://user:pass@agency.gov.cn/"), CREDENTIALS_IN_URL);
            assertRefused(() -> policy.validate("http://agency.gov.cn/#x"), FRAGMENT_NOT_ALLOWED);

            assertThat(fixture.resolver().lookups()).isEmpty();
        }

        @Test
        void resolverReturningNothingThenUnresolvable() {
            UpstreamUrlPolicy empty = new UpstreamUrlPolicy(fixture.guard(), host -> java.util.List.of());

            assertRefused(() -> empty.validate("https://agency.gov.cn/"), UNRESOLVABLE_HOST);
        }
    }

    @Nested
    class ProblemConversion {

        @Test
        void refusalBecomesUnprocessableProblemOnTheGivenField() {
            UnsafeUpstreamException refusal = catchRefusal(() -> policy.validate("http://localhost:8080/"));

            ApiProblem problem = refusal.toProblem("base_url");

            assertThat(problem.status()).isEqualTo(422);
            assertThat(problem.code()).isEqualTo("unsafe_upstream");
            assertThat(problem.errors()).containsExactly(
                    new FieldViolation("base_url", "loopback_address", LOOPBACK_ADDRESS.description()));
        }

        @Test
        void messageNeverEchoesCredentialsOrResolvedAddresses() {
            UnsafeUpstreamException credentials = catchRefusal(() -> policy.validate("http://user:s3cret@agency.gov.cn/"));
            UnsafeUpstreamException rebind = catchRefusal(() -> policy.validate("http://rebind.agency.gov.cn/"));

            assertThat(credentials.getMessage()).doesNotContain("s3cret").doesNotContain("agency.gov.cn");
            assertThat(rebind.getMessage()).doesNotContain("10.0.0.5").doesNotContain("61.144.2.3");
        }

        @Test
        void everyReasonCodeIsAValidProblemCode() {
            for (UnsafeUpstreamReason reason : UnsafeUpstreamReason.values()) {
                assertThat(new UnsafeUpstreamException(reason).toProblem("url").errors().get(0).code())
                        .matches("[a-z][a-z0-9_]{1,63}");
            }
        }
    }

    private static void assertRefused(Runnable call, UnsafeUpstreamReason reason) {
        assertThat(catchRefusal(call).reason()).isEqualTo(reason);
    }

    private static UnsafeUpstreamException catchRefusal(Runnable call) {
        try {
            call.run();
        } catch (UnsafeUpstreamException e) {
            return e;
        }
        throw new AssertionError("expected an UnsafeUpstreamException");
    }
}
