package org.civicstack.identity.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.civicstack.identity.IdentityProperties.BootstrapClient;
import org.junit.jupiter.api.Test;

/** Every bootstrap entry is checked before anything is registered; a bad one is named with its field and why. */
class BootstrapClientsTest {

    static final String SECRET = "s".repeat(40);

    @Test
    void entriesAreOrderedNumericallyThenByName() {
        Map<String, BootstrapClient> clients = new LinkedHashMap<>();
        clients.put("launcher-gateway", client("civicstack-gateway", "platform", "registry:routing"));
        clients.put("10", client("tenth", "operator", "registry:read"));
        clients.put("5", client("fifth", "agency", "registry:write"));

        assertThat(BootstrapClients.parseAll(clients)).extracting(e -> e.client().clientId().value())
                .containsExactly("fifth", "tenth", "civicstack-gateway");
    }

    @Test
    void aCitizenAppEntryWithASecretIsRefused() {
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("5", client("app", "citizen_app", "openid"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("civicstack.identity.bootstrap-clients[5].secret (env "
                        + "CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_SECRET) must not be set: a citizen_app is a public "
                        + "client (PKCE, no secret)");
    }

    @Test
    void aMissingFieldIsNamedAsPropertyAndEnvironmentVariable() {
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("5", client("fifth", null, "registry:read"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("civicstack.identity.bootstrap-clients[5].client-type (env "
                        + "CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_CLIENTTYPE) is missing: one of agency, operator, platform, citizen_app");
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("5", client(null, "agency", "registry:read"))))
                .hasMessageContaining("bootstrap-clients[5].client-id (env CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_CLIENTID) is missing");
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("5", new BootstrapClient("fifth", SECRET, Set.of(),
                "agency", null, null))))
                .hasMessageContaining("bootstrap-clients[5].scopes (env CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_SCOPES) is missing");
    }

    @Test
    void aWrongValueSaysWhy() {
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("3", client("x-agency", "superuser", "registry:read"))))
                .hasMessageContaining("bootstrap-clients[3].client-type")
                .hasMessageContaining("'superuser' is not one of agency, operator, platform");
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("3", new BootstrapClient("x-agency", "short",
                Set.of("registry:read"), "agency", null, null))))
                .hasMessageContaining("bootstrap-clients[3].secret (env CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_3_SECRET)")
                .hasMessageContaining("at least 32 characters")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("3", client("Not An Id", "agency", "registry:read"))))
                .hasMessageContaining("bootstrap-clients[3].client-id");
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("3", client("x-agency", "agency", "registry:review"))))
                .hasMessageContaining("civicstack.identity.bootstrap-clients[3] is invalid")
                .hasMessageContaining("registry:review");
        assertThatThrownBy(() -> BootstrapClients.parseAll(Map.of("3", new BootstrapClient("x-agency", null,
                Set.of("registry:read"), "agency", null, "not a url"))))
                .hasMessageContaining("bootstrap-clients[3].jwk-set-uri");
    }

    @Test
    void twoEntriesForOneClientIdAreRefused() {
        Map<String, BootstrapClient> clients = new LinkedHashMap<>();
        clients.put("launcher-gateway", client("civicstack-gateway", "platform", "registry:routing"));
        clients.put("1", client("civicstack-gateway", "operator", "registry:read"));

        assertThatThrownBy(() -> BootstrapClients.parseAll(clients))
                .hasMessageContaining("bootstrap-clients[launcher-gateway].client-id")
                .hasMessageContaining("already registered by civicstack.identity.bootstrap-clients[1]");
    }

    @Test
    void clientTypeIsReadInAnyCase() {
        assertThat(BootstrapClients.parseAll(Map.of("0", client("ops", "OPERATOR", "registry:read"))).get(0)
                .client().type()).isEqualTo(ClientType.OPERATOR);
    }

    private static BootstrapClient client(String clientId, String type, String scope) {
        return new BootstrapClient(clientId, SECRET, Set.of(scope), type, null, null);
    }
}
