package org.civicstack.identity.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicstack.identity.TestClients.anAgencyClient;
import static org.civicstack.identity.TestClients.anOperatorClient;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.IdentityProperties.BootstrapClient;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** {@code civicstack.identity.bootstrap-clients}: registered at start, idempotently, all or nothing. */
@ServiceIntegrationTest
class BootstrapClientsIT {

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transaction;

    @Test
    void aBootstrappedClientGetsATokenWithItsClaims() throws Exception {
        TestClients gateway = TestClients.aPlatformClient("it-boot-gateway").withScopes("registry:routing");
        bootstrap(gateway.asBootstrapEntry()).registerAll();

        HttpResponse<String> response = new TokenEndpoint(port).clientCredentials(gateway.clientId(),
                gateway.secret(), "registry:routing");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        SignedJWT jwt = SignedJWT.parse(JsonPath.<String>read(response.body(), "$.access_token"));
        assertThat(jwt.getJWTClaimsSet().getStringClaim("client_type")).isEqualTo("platform");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("registry:routing");
    }

    @Test
    void bootstrappingAgainWithTheSameSecretKeepsTheStoredHash() {
        TestClients agency = anAgencyClient("it-boot-same").withAgencyId("agy_same");
        bootstrap(agency.asBootstrapEntry()).registerAll();
        String hashBefore = storedSecret(agency.clientId());

        bootstrap(agency.asBootstrapEntry()).registerAll();

        assertThat(storedSecret(agency.clientId())).isEqualTo(hashBefore);
        assertThat(agency.register(registrar)).isEqualTo(RegistrationOutcome.UNCHANGED);
    }

    @Test
    void aChangedSecretReplacesTheOldOne() {
        TestClients before = anAgencyClient("it-boot-rotated");
        bootstrap(before.asBootstrapEntry()).registerAll();
        TestClients after = anAgencyClient("it-boot-rotated").withSecret("the-new-secret-0123456789-abcdefghijklmn");

        bootstrap(after.asBootstrapEntry()).registerAll();

        TokenEndpoint identity = new TokenEndpoint(port);
        assertThat(identity.clientCredentials(after.clientId(), after.secret(), "registry:read").statusCode())
                .isEqualTo(200);
        assertThat(identity.clientCredentials(before.clientId(), before.secret(), "registry:read").statusCode())
                .isEqualTo(401);
    }

    @Test
    void changedScopesAndAgencyAreApplied() {
        anAgencyClient("it-boot-changed").withScopes("registry:read").register(registrar);

        TestClients changed = anAgencyClient("it-boot-changed").withAgencyId("agy_changed")
                .withScopes("registry:read", "registry:write");
        assertThat(changed.register(registrar)).isEqualTo(RegistrationOutcome.UPDATED);

        assertThat(jdbc.queryForObject("SELECT scopes FROM oauth2_registered_client WHERE client_id = ?",
                String.class, changed.clientId())).contains("registry:write");
        assertThat(jdbc.queryForObject("SELECT client_settings FROM oauth2_registered_client WHERE client_id = ?",
                String.class, changed.clientId())).contains("agy_changed");
    }

    @Test
    void aClientWithOnlyAJwkSetIsRegisteredForPrivateKeyJwtAndHasNoSecret() {
        TestClients agency = anAgencyClient("it-boot-keys-only").withSecret(null)
                .withJwkSetUri("https://203.0.113.10/jwks.json");

        assertThat(agency.register(registrar)).isEqualTo(RegistrationOutcome.CREATED);

        Map<String, Object> row = jdbc.queryForMap("SELECT client_secret, client_authentication_methods, "
                + "client_settings FROM oauth2_registered_client WHERE client_id = ?", agency.clientId());
        assertThat(row.get("client_secret")).isNull();
        assertThat(row.get("client_authentication_methods")).isEqualTo("private_key_jwt");
        assertThat((String) row.get("client_settings")).contains("https://203.0.113.10/jwks.json");
    }

    @Test
    void aClientWithNeitherSecretNorJwkSetIsRefused() {
        BootstrapClient noCredentials = anOperatorClient("it-boot-no-credentials").withSecret(null).asBootstrapEntry();

        assertThatThrownBy(() -> bootstrap(noCredentials))
                .hasMessageContaining("civicstack.identity.bootstrap-clients[0]")
                .hasMessageContaining("needs a secret or a jwk-set-uri");
    }

    @Test
    void anInvalidEntryRegistersNothingAndNamesTheProperty() {
        BootstrapClient fine = anOperatorClient("it-boot-never-1").asBootstrapEntry();
        BootstrapClient agencyReviewing = anAgencyClient("it-boot-never-2").withScopes("registry:review")
                .asBootstrapEntry();

        assertThatThrownBy(() -> bootstrap(fine, agencyReviewing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("civicstack.identity.bootstrap-clients[1]")
                .hasMessageContaining("registry:review");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM oauth2_registered_client WHERE client_id LIKE "
                + "'it-boot-never-%'", Integer.class)).isZero();
    }

    @Test
    void twoInstancesBootstrappingTogetherRegisterTheClientOnce() {
        TestClients agency = anAgencyClient("it-boot-together");

        CompletableFuture<Void> one = CompletableFuture.runAsync(() -> bootstrap(agency.asBootstrapEntry()).registerAll());
        CompletableFuture<Void> two = CompletableFuture.runAsync(() -> bootstrap(agency.asBootstrapEntry()).registerAll());
        CompletableFuture.allOf(one, two).join();

        assertThat(jdbc.queryForObject("SELECT count(*) FROM oauth2_registered_client WHERE client_id = ?",
                Integer.class, agency.clientId())).isEqualTo(1);
    }

    private BootstrapClients bootstrap(BootstrapClient... entries) {
        Map<String, BootstrapClient> byIndex = new java.util.LinkedHashMap<>();
        for (int i = 0; i < entries.length; i++) {
            byIndex.put(String.valueOf(i), entries[i]);
        }
        return new BootstrapClients(byIndex, registrar, jdbc, transaction);
    }

    private String storedSecret(String clientId) {
        return jdbc.queryForObject("SELECT client_secret FROM oauth2_registered_client WHERE client_id = ?",
                String.class, clientId);
    }
}
