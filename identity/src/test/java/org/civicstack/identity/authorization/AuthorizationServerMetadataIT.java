package org.civicstack.identity.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** RFC 8414 discovery: everything under the configured issuer, and only what a client can use today. */
@ServiceIntegrationTest
class AuthorizationServerMetadataIT {

    @LocalServerPort
    int port;

    @Test
    void listsTokenEndpointAndJwksUnderTheConfiguredIssuer() {
        HttpResponse<String> response = new TokenEndpoint(port).get("/.well-known/oauth-authorization-server");

        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.body();
        assertThat((String) JsonPath.read(body, "$.issuer")).isEqualTo("http://localhost:8080");
        assertThat((String) JsonPath.read(body, "$.token_endpoint")).isEqualTo("http://localhost:8080/oauth2/token");
        assertThat((String) JsonPath.read(body, "$.jwks_uri")).isEqualTo("http://localhost:8080/oauth2/jwks");
    }

    @Test
    void advertisesClientCredentialsWithBasicOrPrivateKeyJwt() {
        String body = new TokenEndpoint(port).get("/.well-known/oauth-authorization-server").body();

        assertThat(JsonPath.<List<String>>read(body, "$.grant_types_supported")).containsExactly("client_credentials");
        assertThat(JsonPath.<List<String>>read(body, "$.token_endpoint_auth_methods_supported"))
                .containsExactly("client_secret_basic", "private_key_jwt");
        assertThat(JsonPath.<List<String>>read(body, "$.scopes_supported"))
                .containsExactly("identity:token-exchange", "registry:read", "registry:review", "registry:routing",
                        "registry:write");
    }

    @Test
    void isReachableWithoutAuthentication() {
        TokenEndpoint identity = new TokenEndpoint(port);

        assertThat(identity.get("/.well-known/oauth-authorization-server").statusCode()).isEqualTo(200);
        assertThat(identity.get("/oauth2/jwks").statusCode()).isEqualTo(200);
    }
}
