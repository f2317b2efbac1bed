package org.civicstack.identity.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.aPlatformClient;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.jayway.jsonpath.JsonPath;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A NUL (or another control character) in what a client sends to identity's OAuth endpoints is a 400, never a 500:
 * PostgreSQL refuses NUL in any text value, and the token, introspection and revocation endpoints look the
 * presented values up in the database.
 */
@ServiceIntegrationTest
class ControlCharacterInputIT {

    static final TestClients INTROSPECTOR = aPlatformClient("it-nul-introspector").withScopes("identity:introspect");

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;

    TokenEndpoint identity;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        INTROSPECTOR.register(registrar);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/oauth2/token|grant_type=refresh_token&client_id=citizen_app&refresh_token=%00",
            "/oauth2/token|grant_type=refresh_token&client_id=%00&refresh_token=abc",
            "/oauth2/token|grant_type=client_credentials&client_id=%00",
            "/oauth2/token|grant_type=authorization_code&client_id=citizen_app&code=a%00b&code_verifier=x"
                    + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
            "/oauth2/token|grant_type=%00",
            "/oauth2/revoke|client_id=citizen_app&token=%00",
            "/oauth2/revoke|client_id=citizen_app&token=a.b.c&token_type_hint=%01",
            "/oauth2/introspect|token=%00",
            "/oauth2/introspect|token=ey%00J.e.x",
    })
    void aFormWithAControlCharacterIsA400(String endpointAndForm) {
        String[] parts = endpointAndForm.split("\\|", 2);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + parts[0]))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(parts[1]));
        if (parts[0].equals("/oauth2/introspect")) {
            request.header("Authorization", basic(INTROSPECTOR.clientId(), INTROSPECTOR.secret()));
        }

        HttpResponse<String> response = identity.send(request);

        assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
    }

    @Test
    void aControlCharacterInTheQueryOfTheAuthorizationEndpointIsA400() {
        HttpResponse<String> response = identity.get("/oauth2/authorize?response_type=code&client_id=%00"
                + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_challenge_method=S256&code_challenge=abc");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("malformed_request");
    }

    @Test
    void aNulInsideTheBasicCredentialsIsAnInvalidClient() {
        HttpResponse<String> response = identity.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/oauth2/token"))
                .header("Authorization", basic("it-nul\u0000client", "secret"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));

        assertThat(response.statusCode()).as(response.body()).isBetween(400, 401);
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
