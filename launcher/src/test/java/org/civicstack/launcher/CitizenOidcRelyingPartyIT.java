package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.civicstack.testkit.AliyunSmsStandIn;
import org.civicstack.testkit.CitizenLoginDriver;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An independent, certified OpenID Connect relying party — npm {@code openid-client} 6.9.0 (pinned by
 * {@code launcher/src/test/oidc-rp/package-lock.json}, installed by {@code .ci/install-test-tools}) — runs against
 * the all-in-one platform through the gateway: discovery, authorization code + PKCE S256, ID-token validation
 * (signature included), userinfo, refresh with rotation, and reuse of a rotated refresh token. The library builds
 * the authorization URL and checks the answers itself; this test only plays the citizen on the hosted login page
 * (the SMS code read from the provider's stand-in) and asserts what the library reports.
 */
@ExtendWith(SharedPlatform.class)
@Order(SharedPlatform.ORDER)
class CitizenOidcRelyingPartyIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path RP = SharedPlatform.repositoryRoot().resolve("launcher/src/test/oidc-rp");

    @Test
    void openidClientCompletesCodeFlowValidatesIdTokenReadsUserinfoRefreshesAndSeesReuseRefused() throws Exception {
        assertThat(RP.resolve("node_modules/openid-client/package.json"))
                .as("openid-client is not installed: run ./.ci/install-test-tools (npm ci in %s)", RP)
                .exists();
        String issuer = "http://localhost:" + SharedPlatform.gatewayPort();
        String mobile = "13912345678";

        Process node = new ProcessBuilder("node", "rp.mjs", issuer, SharedPlatform.E2E_APP,
                SharedPlatform.E2E_APP_REDIRECT, "openid offline_access phone")
                .directory(RP.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<JsonNode> said = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            JsonNode authorize = read(out, said);
            assertThat(authorize.path("step").asString()).as("relying party: %s", said).isEqualTo("authorize");
            String authorizationUrl = authorize.path("url").asString();
            assertThat(authorizationUrl).startsWith(issuer + "/oauth2/authorize?").contains("code_challenge_method=S256");

            String callback = new CitizenLoginDriver(issuer, AliyunSmsStandIn::latestCodeFor)
                    .signInAt(authorizationUrl, SharedPlatform.E2E_APP_REDIRECT, mobile);
            in.write(JSON.writeValueAsString(Map.of("callback", callback)) + "\n");
            in.flush();

            JsonNode done = read(out, said);
            assertThat(done.path("step").asString()).as("relying party: %s", said).isEqualTo("done");
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).isZero();

            assertThat(done.at("/discovery/issuer").asString()).isEqualTo(issuer);
            assertThat(done.at("/discovery/code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
            JsonNode idToken = done.path("id_token");
            assertThat(idToken.path("iss").asString()).isEqualTo(issuer);
            assertThat(idToken.path("aud").toString()).contains(SharedPlatform.E2E_APP);
            assertThat(idToken.path("acr").asString()).isEqualTo("urn:civicstack:acr:1");
            assertThat(idToken.path("amr").toString()).isEqualTo("[\"sms\"]");
            assertThat(idToken.path("sid").asString()).isNotBlank();
            assertThat(idToken.path("auth_time").asLong()).isPositive();
            String sub = idToken.path("sub").asString();
            assertThat(sub).isNotBlank();
            assertThat(done.at("/userinfo/sub").asString()).isEqualTo(sub);
            assertThat(done.at("/userinfo/phone_number").asString()).isEqualTo("+86" + mobile);
            assertThat(done.path("has_refresh_token").asBoolean()).isTrue();
            assertThat(done.at("/refresh/rotated").asBoolean()).isTrue();
            assertThat(done.at("/refresh/new_access_token").asBoolean()).isTrue();
            assertThat(done.at("/reuse/accepted").asBoolean()).as("a rotated-out refresh token is refused").isFalse();
            assertThat(done.at("/reuse/oauth_error").asString()).isEqualTo("invalid_grant");
            assertThat(done.at("/after_reuse/accepted").asBoolean())
                    .as("reuse revokes the whole family: the newest refresh token dies too").isFalse();
        } finally {
            node.destroyForcibly();
        }
    }

    private static JsonNode read(BufferedReader out, List<JsonNode> said) throws IOException {
        String line = out.readLine();
        assertThat(line).as("the relying party ended early; it said %s", said).isNotNull();
        JsonNode node = JSON.readTree(line);
        said.add(node);
        return node;
    }
}
