package org.civicstack.identity;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.civicstack.identity.keys.KeySeries;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.login.CitizenLoginPrincipal;
import org.civicstack.identity.session.CitizenSession;
import org.civicstack.identity.session.CitizenSessions;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

/**
 * Issues a citizen access token the way identity holds one after a citizen login, through the real beans: a citizen
 * row, a login session, an authorization for a {@link CitizenLoginPrincipal} saved in the
 * {@link OAuth2AuthorizationService} with a JWT signed by identity's key and claims per the citizen token contract.
 * Stands in for the login flow (built in parallel); a login-driven variant replaces it after the merge.
 */
public final class CitizenTokens {

    public static final String CITIZEN_APP = "it-citizen-app";

    private final CitizenAccounts citizens;
    private final CitizenSessions sessions;
    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;
    private final JwtEncoder encoder;
    private final String issuer;

    public CitizenTokens(CitizenAccounts citizens, CitizenSessions sessions, OAuth2AuthorizationService authorizations,
            RegisteredClientRepository clients, JwtEncoder encoder, String issuer) {
        this.citizens = citizens;
        this.sessions = sessions;
        this.authorizations = authorizations;
        this.clients = clients;
        this.encoder = encoder;
        this.issuer = issuer;
    }

    /**
     * A token and everything behind it. Its claims use mutable collections as Spring Authorization Server's own
     * JwtGenerator does: the authorization service's JSON allow-list refuses {@code List.of(...)} on reading back.
     */
    public record Issued(String token, CitizenId citizen, UUID sid, Jwt jwt, OAuth2Authorization authorization) {
    }

    /** A new citizen (random mainland number) with a fresh login. */
    public CitizenId newCitizen() {
        String number = "+86139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
        return citizens.findOrCreate(new MobileNumber(number));
    }

    public Issued issue(CitizenId citizen, Duration ttl) {
        return issue(citizen, Instant.now().truncatedTo(ChronoUnit.SECONDS), ttl);
    }

    /** A token issued at {@code issuedAt}, living {@code ttl} (a past issue time with a short ttl: an expired one). */
    public Issued issue(CitizenId citizen, Instant issuedAt, Duration ttl) {
        Instant authTime = issuedAt.minusSeconds(30);
        CitizenSession session = sessions.start(citizen, CITIZEN_APP, List.of("sms"), authTime, "it");
        RegisteredClient app = citizenApp();
        Jwt jwt = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(KeySeries.TOKENS.jwsAlgorithm()).type("at+jwt").build(),
                JwtClaimsSet.builder()
                        .issuer(issuer)
                        .audience(new ArrayList<>(List.of("civicstack")))
                        .subject(citizen.toString())
                        .claim("client_id", CITIZEN_APP)
                        .claim("client_type", "citizen_app")
                        .claim("scope", "openid profile")
                        .claim("acr", "urn:civicstack:acr:1")
                        .claim("amr", new ArrayList<>(List.of("sms")))
                        .claim("auth_time", authTime)
                        .claim("sid", session.sid().toString())
                        .id(UUID.randomUUID().toString())
                        .issuedAt(issuedAt)
                        .expiresAt(issuedAt.plus(ttl))
                        .build()));
        OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, jwt.getTokenValue(),
                jwt.getIssuedAt(), jwt.getExpiresAt(), Set.of("openid", "profile"));
        Authentication principal = CitizenLoginPrincipal.create(citizen, session.sid(), authTime, List.of("sms"));
        OAuth2Authorization authorization = OAuth2Authorization.withRegisteredClient(app)
                .principalName(citizen.toString())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizedScopes(Set.of("openid", "profile"))
                .attribute(Principal.class.getName(), principal)
                .token(accessToken, metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME,
                        jwt.getClaims()))
                .build();
        authorizations.save(authorization);
        return new Issued(jwt.getTokenValue(), citizen, session.sid(), jwt, authorization);
    }

    /** Revokes the token as the revocation endpoint would: the authorization keeps it, marked invalidated. */
    public void revoke(Issued issued) {
        OAuth2Authorization current = authorizations.findById(issued.authorization().getId());
        authorizations.save(OAuth2Authorization.from(current)
                .invalidate(current.getAccessToken().getToken()).build());
    }

    private RegisteredClient citizenApp() {
        RegisteredClient existing = clients.findByClientId(CITIZEN_APP);
        if (existing != null) {
            return existing;
        }
        RegisteredClient app = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(CITIZEN_APP)
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri("https://app.example/callback")
                .scope("openid")
                .scope("profile")
                .clientSettings(ClientSettings.builder().requireProofKey(true).build())
                .build();
        clients.save(app);
        return app;
    }
}
