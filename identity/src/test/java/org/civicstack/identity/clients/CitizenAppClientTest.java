package org.civicstack.identity.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.civicstack.identity.IdentityProperties.BootstrapClient;
import org.junit.jupiter.api.Test;

/** The citizen app registration: public client, app scopes only, exact and safe redirect URIs. */
class CitizenAppClientTest {

    @Test
    void acceptsHttpsLoopbackAndReverseDomainRedirects() {
        CitizenAppClient app = CitizenAppClient.of("city-app", List.of("openid", "offline_access", "svc:parking"),
                List.of("https://app.city.gov.cn/cb", "http://127.0.0.1:7777/cb", "cn.gov.city.app:/oauth2redirect"));

        assertThat(app.redirectUris()).hasSize(3);
        assertThat(app.scopeValues()).containsExactly("offline_access", "openid", "svc:parking");
    }

    @Test
    void refusesHttpOnAPublicHost() {
        assertThatThrownBy(() -> CitizenAppClient.of("city-app", List.of("openid"), List.of("http://app.example/cb")))
                .hasMessageContaining("non-loopback");
    }

    @Test
    void refusesAFragmentAndARelativeUriAndAShortCustomScheme() {
        assertThatThrownBy(() -> CitizenAppClient.of("a-app", List.of("openid"), List.of("https://a.example/cb#x")))
                .hasMessageContaining("fragment");
        assertThatThrownBy(() -> CitizenAppClient.of("a-app", List.of("openid"), List.of("/cb")))
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> CitizenAppClient.of("a-app", List.of("openid"), List.of("myapp:/cb")))
                .hasMessageContaining("reverse domain");
    }

    @Test
    void refusesPlatformScopes() {
        assertThatThrownBy(() -> CitizenAppClient.of("a-app", List.of("openid", "registry:write"),
                List.of("https://a.example/cb"))).hasMessageContaining("platform API scope");
    }

    @Test
    void needsARedirectUri() {
        assertThatThrownBy(() -> CitizenAppClient.of("a-app", List.of("openid"), List.of()))
                .hasMessageContaining("redirect URI");
    }

    @Test
    void aPlatformClientCannotBeACitizenApp() {
        assertThatThrownBy(() -> PlatformClient.of("a-app", ClientType.CITIZEN_APP, null, java.util.Set.of("registry:read"),
                null)).hasMessageContaining("public client");
    }

    @Test
    void bootstrapEntriesOfTypeCitizenAppNeedRedirectUrisAndNoSecret() {
        BootstrapClient app = new BootstrapClient("city-app", null, java.util.Set.of("openid"), "citizen_app", null, null,
                List.of("https://app.city.gov.cn/cb"));
        assertThat(BootstrapClients.parseAll(Map.of("app", app))).singleElement()
                .satisfies(entry -> assertThat(entry.type()).isEqualTo(ClientType.CITIZEN_APP));

        BootstrapClient withSecret = new BootstrapClient("city-app", "s".repeat(40), java.util.Set.of("openid"),
                "citizen_app", null, null, List.of("https://app.city.gov.cn/cb"));
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("app", withSecret)))
                .hasMessageContaining("bootstrap-clients[app].secret").hasMessageContaining("public client");

        BootstrapClient noRedirect = new BootstrapClient("city-app", null, java.util.Set.of("openid"), "citizen_app",
                null, null, null);
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("app", noRedirect)))
                .hasMessageContaining("bootstrap-clients[app].redirect-uris")
                .hasMessageContaining("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_APP_REDIRECTURIS");

        BootstrapClient platformWithRedirect = new BootstrapClient("the-gateway", "s".repeat(40),
                java.util.Set.of("registry:routing"), "platform", null, null, List.of("https://x.example/cb"));
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("gw", platformWithRedirect)))
                .hasMessageContaining("only for citizen_app");
    }
}
