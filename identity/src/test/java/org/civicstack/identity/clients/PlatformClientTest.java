package org.civicstack.identity.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlatformClientTest {

    @Nested
    class ScopesByClientType {

        @ParameterizedTest(name = "{0} may hold {1}: {2}")
        @CsvSource({
                "AGENCY,   registry:read,    true",
                "AGENCY,   registry:write,   true",
                "AGENCY,   registry:review,  false",
                "AGENCY,   registry:routing, false",
                "OPERATOR, registry:read,    true",
                "OPERATOR, registry:write,   false",
                "OPERATOR, registry:review,  true",
                "OPERATOR, registry:routing, true",
                "PLATFORM, registry:read,    true",
                "PLATFORM, registry:write,   false",
                "PLATFORM, registry:review,  false",
                "PLATFORM, registry:routing, true",
                "PLATFORM, identity:token-exchange, true",
                "AGENCY,   identity:token-exchange, false",
                "OPERATOR, identity:token-exchange, false"})
        void everyPairIsDecidedByTheScopeTable(ClientType type, String scope, boolean allowed) {
            if (allowed) {
                assertThat(PlatformClient.of("some-client", type, null, Set.of(scope), null).scopeValues())
                        .containsExactly(scope);
            } else {
                assertThatThrownBy(() -> PlatformClient.of("some-client", type, null, Set.of(scope), null))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(scope + " cannot be granted to " + type.claimValue());
            }
        }

        @Test
        void unknownScopeIsRejectedListingTheKnownOnes() {
            assertThatThrownBy(() -> PlatformClient.of("some-client", ClientType.AGENCY, null,
                    Set.of("registry:everything"), null))
                    .hasMessageContaining("unknown scope 'registry:everything'")
                    .hasMessageContaining("identity:token-exchange, payments:create, payments:merchant, payments:operate, payments:read, payments:refund, registry:read, registry:review, registry:routing, registry:write");
        }

        @Test
        void aClientWithoutScopesIsRejected() {
            assertThatThrownBy(() -> PlatformClient.of("some-client", ClientType.AGENCY, null, Set.of(), null))
                    .hasMessageContaining("at least one scope");
        }
    }

    @Test
    void onlyAgencyClientsNameAnAgency() {
        assertThat(PlatformClient.of("agency-a", ClientType.AGENCY, "agy_a", Set.of("registry:read"), null).agency())
                .contains(new AgencyId("agy_a"));
        assertThatThrownBy(() -> PlatformClient.of("operator-a", ClientType.OPERATOR, "agy_a",
                Set.of("registry:read"), null)).hasMessageContaining("only agency clients carry an agency id");
    }

    @Test
    void blankAgencyIdMeansNotYetKnown() {
        assertThat(PlatformClient.of("agency-a", ClientType.AGENCY, " ", Set.of("registry:read"), null).agency())
                .isEmpty();
    }

    @Test
    void jwkSetMustBeHttp() {
        assertThatThrownBy(() -> PlatformClient.of("agency-a", ClientType.AGENCY, null, Set.of("registry:read"),
                URI.create("file:///etc/keys.json"))).hasMessageContaining("http(s)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "Agency", "agency a", "agency:a", "-agency", ""})
    void malformedClientIdsAreRejected(String id) {
        assertThatThrownBy(() -> new ClientId(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"agency", "shenzhen.health-commission_01", "a1b"})
    void plainClientIdsAreAccepted(String id) {
        assertThat(new ClientId(id).value()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"health", "agy_", "agy_a b", "AGY_x"})
    void malformedAgencyIdsAreRejected(String id) {
        assertThatThrownBy(() -> new AgencyId(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shortSecretsAreRejectedAndNeverPrinted() {
        assertThatThrownBy(() -> new ClientSecret("short")).hasMessageContaining("at least 32");
        assertThat(new ClientSecret("s".repeat(40)).toString()).doesNotContain("sss");
    }
}
