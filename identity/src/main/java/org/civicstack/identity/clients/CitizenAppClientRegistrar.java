package org.civicstack.identity.clients;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Registers a {@link CitizenAppClient} with the authorization server (an upsert by {@code client_id}): public client
 * (authentication method {@code none}, no secret), grants {@code authorization_code} and {@code refresh_token} only,
 * PKCE required ({@code requireProofKey}; Spring Authorization Server accepts only S256 and answers
 * {@code invalid_request} to {@code plain}), exact redirect URIs, no consent screen (the app is first-party).
 */
public class CitizenAppClientRegistrar {

    private final RegisteredClientRepository repository;
    private final Duration accessTokenTtl;
    private final Clock clock;

    public CitizenAppClientRegistrar(RegisteredClientRepository repository, Duration accessTokenTtl, Clock clock) {
        this.repository = repository;
        this.accessTokenTtl = accessTokenTtl;
        this.clock = clock;
    }

    public RegistrationOutcome register(CitizenAppClient app) {
        Objects.requireNonNull(app, "app");
        RegisteredClient existing = repository.findByClientId(app.clientId().value());
        if (existing != null && PlatformClientSettings.clientType(existing).filter(ClientType.CITIZEN_APP::equals)
                .isEmpty()) {
            throw new IllegalArgumentException("client " + app.clientId() + " is already registered as another "
                    + "client type; a citizen app needs its own client id");
        }
        RegisteredClient desired = toRegisteredClient(app, existing);
        if (existing == null) {
            repository.save(desired);
            return RegistrationOutcome.CREATED;
        }
        if (sameRegistration(existing, desired)) {
            return RegistrationOutcome.UNCHANGED;
        }
        repository.save(desired);
        return RegistrationOutcome.UPDATED;
    }

    private RegisteredClient toRegisteredClient(CitizenAppClient app, RegisteredClient existing) {
        RegisteredClient.Builder builder = existing != null
                ? RegisteredClient.withId(existing.getId()).clientIdIssuedAt(existing.getClientIdIssuedAt())
                : RegisteredClient.withId(UUID.randomUUID().toString()).clientIdIssuedAt(clock.instant());
        ClientSettings.Builder settings = ClientSettings.builder()
                .requireProofKey(true)
                .requireAuthorizationConsent(false);
        PlatformClientSettings.writeType(settings, ClientType.CITIZEN_APP);
        return builder
                .clientId(app.clientId().value())
                .clientName(app.clientId().value())
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(uris -> app.redirectUris().forEach(uri -> uris.add(uri.toString())))
                .scopes(scopes -> scopes.addAll(app.scopeValues()))
                .clientSettings(settings.build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .accessTokenTimeToLive(accessTokenTtl)
                        .authorizationCodeTimeToLive(Duration.ofMinutes(1))
                        .reuseRefreshTokens(false)
                        .build())
                .build();
    }

    private static boolean sameRegistration(RegisteredClient a, RegisteredClient b) {
        return a.getClientAuthenticationMethods().equals(b.getClientAuthenticationMethods())
                && a.getAuthorizationGrantTypes().equals(b.getAuthorizationGrantTypes())
                && Set.copyOf(a.getScopes()).equals(Set.copyOf(b.getScopes()))
                && Set.copyOf(a.getRedirectUris()).equals(Set.copyOf(b.getRedirectUris()))
                && a.getClientSettings().isRequireProofKey() == b.getClientSettings().isRequireProofKey()
                && PlatformClientSettings.clientType(a).equals(PlatformClientSettings.clientType(b))
                && a.getTokenSettings().getAccessTokenTimeToLive().equals(b.getTokenSettings().getAccessTokenTimeToLive());
    }
}
