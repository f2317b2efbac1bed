package org.civicstack.identity.session;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.login.CitizenLoginPrincipal;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * A signed-in citizen without the login page: what SAS stores after a completed authorization code grant, built
 * with the real beans (citizen account, session, an authorization whose principal is a {@link CitizenLoginPrincipal}
 * and which holds a refresh token). Tests then use the real token endpoint with {@code grant_type=refresh_token}.
 * A login-driven variant (the login feature's CitizenLoginDriver) can replace {@link #signIn} later.
 */
public final class CitizenTokenFixture {

    public static final String APP = "it-sessions-citizen-app";
    /** Same key as PlatformClientSettings.CLIENT_TYPE (package-private there). */
    static final String CLIENT_TYPE_SETTING = "settings.client.civicstack.client-type";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegisteredClientRepository clients;
    private final OAuth2AuthorizationService authorizations;
    private final CitizenAccounts accounts;
    private final CitizenSessions sessions;
    private final TokenEndpoint identity;
    private final String base;

    public CitizenTokenFixture(RegisteredClientRepository clients, OAuth2AuthorizationService authorizations,
            CitizenAccounts accounts, CitizenSessions sessions, int port) {
        this.clients = clients;
        this.authorizations = authorizations;
        this.accounts = accounts;
        this.sessions = sessions;
        this.identity = new TokenEndpoint(port);
        this.base = "http://localhost:" + port;
    }

    /** A signed-in citizen: their id, the session, and the refresh token the app holds. */
    public record SignedIn(CitizenId citizen, UUID sid, String refreshToken) {
    }

    RegisteredClient citizenApp() {
        RegisteredClient existing = clients.findByClientId(APP);
        if (existing != null) {
            return existing;
        }
        RegisteredClient app = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(APP)
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri("https://app.example/callback")
                .scope("openid").scope("phone")
                .clientSettings(ClientSettings.builder().requireProofKey(true)
                        .setting(CLIENT_TYPE_SETTING, "citizen_app").build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .accessTokenTimeToLive(Duration.ofMinutes(5))
                        .reuseRefreshTokens(false)
                        .refreshTokenTimeToLive(Duration.ofDays(14))
                        .build())
                .build();
        clients.save(app);
        return app;
    }

    /** A fresh citizen (random mainland number) who completed an SMS login for the app. */
    public SignedIn signIn() {
        RegisteredClient app = citizenApp();
        MobileNumber mobile = MobileNumber.parse("139" + String.format("%08d", RANDOM.nextInt(100_000_000)))
                .orElseThrow();
        CitizenId citizen = accounts.findOrCreate(mobile);
        Instant authTime = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CitizenSession session = sessions.start(citizen, APP, List.of("sms"), authTime, "JUnit/sessions");
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        String refreshToken = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = Instant.now();
        OAuth2Authorization authorization = OAuth2Authorization.withRegisteredClient(app)
                .principalName(citizen.toString())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizedScopes(Set.of("phone"))
                .attribute(Principal.class.getName(),
                        CitizenLoginPrincipal.create(citizen, session.sid(), authTime, List.of("sms")))
                .refreshToken(new OAuth2RefreshToken(refreshToken, now, now.plus(Duration.ofDays(14))))
                .build();
        authorizations.save(authorization);
        return new SignedIn(citizen, session.sid(), refreshToken);
    }

    /** {@code POST /oauth2/token grant_type=refresh_token} as the public app (client_id only). */
    public HttpResponse<String> refresh(String refreshToken) {
        return form("/oauth2/token", "grant_type=refresh_token&client_id=" + APP + "&refresh_token=" + enc(refreshToken),
                null);
    }

    /** {@code POST /oauth2/revoke} as the public app. */
    HttpResponse<String> revokeAsApp(String token) {
        return form("/oauth2/revoke", "client_id=" + APP + "&token=" + enc(token), null);
    }

    HttpResponse<String> introspect(String token, String clientId, String secret) {
        return form("/oauth2/introspect", "token=" + enc(token), basic(clientId, secret));
    }

    HttpResponse<String> form(String path, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return identity.send(request);
    }

    TokenEndpoint identity() {
        return identity;
    }

    static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(secret))
                .getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
