package org.civicstack.launcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.civicstack.testkit.AliyunSmsStandIn;
import org.civicstack.testkit.CitizenLoginDriver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A citizen's real tokens from the running platform, through the gateway only: the hosted SMS login (code + PKCE,
 * the code read from the SMS provider's stand-in) as the city app of {@code examples/walkthrough.env}, and for level
 * 2 the real-name verification of {@code /v1/identity/me/assurance/identity-verification} (the authority is a third
 * party: a WireMock stand-in answering "consistent") followed by a refresh, whose token carries the raised level.
 */
final class CitizenLogin {

    static final String ID_NUMBER = "11010519491231002X";
    static final String NAME = "张三";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static WireMockServer authority;

    private CitizenLogin() {
    }

    /** Where identity's real-name adapter is pointed in the shared platform (see {@link SharedPlatform}). */
    static synchronized String realNameAuthorityUrl() {
        if (authority == null) {
            authority = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            authority.start();
            authority.stubFor(post(urlEqualTo("/v2/identity/verify")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"request_id\":\"e2e\",\"order_no\":\"ORD-E2E-1\",\"result\":\"consistent\"}")));
        }
        return "http://127.0.0.1:" + authority.port();
    }

    /** An access token of a citizen signed in with {@code mobile} (mainland, 11 digits) at {@code level} 1 or 2. */
    static String accessToken(int gateway, String mobile, int level) {
        String base = "http://localhost:" + gateway;
        CitizenLoginDriver.Tokens tokens = new CitizenLoginDriver(base, AliyunSmsStandIn::latestCodeFor)
                .login(SharedPlatform.E2E_APP, SharedPlatform.E2E_APP_REDIRECT, mobile, "openid offline_access");
        assertThat(tokens.response().statusCode()).as(tokens.response().body()).isEqualTo(200);
        if (level < 2) {
            return tokens.accessToken();
        }
        HttpResponse<String> verified = send(HttpRequest.newBuilder(URI.create(base
                        + "/v1/identity/me/assurance/identity-verification"))
                .header("Authorization", "Bearer " + tokens.accessToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("name", NAME, "id_number", ID_NUMBER)))));
        assertThat(verified.statusCode()).as(verified.body()).isBetween(200, 201);
        HttpResponse<String> refreshed = send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&client_id="
                        + form(SharedPlatform.E2E_APP) + "&refresh_token=" + form(tokens.refreshToken()))));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(refreshed.body());
        return answer.path("access_token").asString();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
