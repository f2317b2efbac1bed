package org.civicstack.identity.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** RFC 8414 and OpenID Connect discovery: everything under the configured issuer, and only what a client can use. */
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
    void advertisesTheCodeFlowWithS256AndClientCredentialsWithBasicOrPrivateKeyJwt() {
        for (String document : List.of("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")) {
            String body = new TokenEndpoint(port).get(document).body();

            assertThat((String) JsonPath.read(body, "$.authorization_endpoint"))
                    .isEqualTo("http://localhost:8080/oauth2/authorize");
            assertThat(JsonPath.<List<String>>read(body, "$.grant_types_supported"))
                    .containsExactly("authorization_code", "refresh_token", "client_credentials",
                            "urn:ietf:params:oauth:grant-type:token-exchange");
            assertThat(JsonPath.<List<String>>read(body, "$.response_types_supported")).containsExactly("code");
            assertThat(JsonPath.<List<String>>read(body, "$.code_challenge_methods_supported")).containsExactly("S256");
            assertThat(JsonPath.<List<String>>read(body, "$.token_endpoint_auth_methods_supported"))
                    .containsExactly("client_secret_basic", "private_key_jwt", "none");
            assertThat(JsonPath.<List<String>>read(body, "$.introspection_endpoint_auth_methods_supported"))
                    .containsExactly("client_secret_basic", "private_key_jwt");
            assertThat(JsonPath.<List<String>>read(body, "$.scopes_supported")).contains("openid", "offline_access",
                    "registry:read", "registry:review", "registry:routing", "registry:write", "identity:clients",
                    "identity:resolve", "identity:token-exchange", "identity:introspect", "identity:keys", "phone");
            assertThat(JsonPath.<java.util.Map<String, Object>>read(body, "$"))
                    .doesNotContainKey("tls_client_certificate_bound_access_tokens");
        }
    }

    @Test
    void openIdDiscoveryNamesTheIdTokenAlgorithmThatIsReallyUsed() {
        String body = new TokenEndpoint(port).get("/.well-known/openid-configuration").body();

        assertThat((String) JsonPath.read(body, "$.issuer")).isEqualTo("http://localhost:8080");
        assertThat(JsonPath.<List<String>>read(body, "$.id_token_signing_alg_values_supported")).containsExactly("EdDSA");
        assertThat(JsonPath.<List<String>>read(body, "$.subject_types_supported")).containsExactly("public", "pairwise");
        assertThat((String) JsonPath.read(body, "$.userinfo_endpoint")).isEqualTo("http://localhost:8080/userinfo");
    }

    @Test
    void isReachableWithoutAuthentication() {
        TokenEndpoint identity = new TokenEndpoint(port);

        assertThat(identity.get("/.well-known/oauth-authorization-server").statusCode()).isEqualTo(200);
        assertThat(identity.get("/oauth2/jwks").statusCode()).isEqualTo(200);
    }
}
