package org.civicstack.identity;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.civicstack.identity.IdentityProperties.BootstrapClient;
import org.civicstack.identity.clients.ClientSecret;
import org.civicstack.identity.clients.ClientType;
import org.civicstack.identity.clients.PlatformClient;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.clients.RegistrationOutcome;

/** Fixture builder: {@code anAgencyClient("agency-x").withAgencyId("agy_x").withScopes("registry:read").register(r)}. */
public final class TestClients {

    private String clientId;
    private ClientType type;
    private String agencyId;
    private Set<String> scopes = new LinkedHashSet<>(List.of("registry:read"));
    private String secret;
    private URI jwkSetUri;

    private TestClients(String clientId, ClientType type) {
        this.clientId = clientId;
        this.type = type;
        this.secret = "secret-of-" + clientId + "-0123456789abcdefghijklmnopqrstuvwxyz";
    }

    public static TestClients anAgencyClient(String clientId) {
        return new TestClients(clientId, ClientType.AGENCY);
    }

    public static TestClients anOperatorClient(String clientId) {
        return new TestClients(clientId, ClientType.OPERATOR);
    }

    public static TestClients aPlatformClient(String clientId) {
        return new TestClients(clientId, ClientType.PLATFORM);
    }

    public TestClients withAgencyId(String agencyId) {
        this.agencyId = agencyId;
        return this;
    }

    public TestClients withScopes(String... scopes) {
        this.scopes = new LinkedHashSet<>(List.of(scopes));
        return this;
    }

    public TestClients withSecret(String secret) {
        this.secret = secret;
        return this;
    }

    public TestClients withJwkSetUri(String uri) {
        this.jwkSetUri = URI.create(uri);
        return this;
    }

    public String clientId() {
        return clientId;
    }

    public String secret() {
        return secret;
    }

    public PlatformClient build() {
        return PlatformClient.of(clientId, type, agencyId, scopes, jwkSetUri);
    }

    public BootstrapClient asBootstrapEntry() {
        return new BootstrapClient(clientId, secret, scopes, type.claimValue(), agencyId,
                jwkSetUri == null ? null : jwkSetUri.toString());
    }

    public RegistrationOutcome register(PlatformClientRegistrar registrar) {
        return registrar.register(build(), secret == null ? null : new ClientSecret(secret));
    }
}
