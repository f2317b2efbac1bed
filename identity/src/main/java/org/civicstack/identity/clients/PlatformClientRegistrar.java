package org.civicstack.identity.clients;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Registers a {@link PlatformClient} with the authorization server, or brings an existing registration up to date:
 * an upsert by {@code client_id}. A secret is stored only as a password-encoder hash, and an unchanged secret keeps
 * its existing hash, so registering the same client twice writes nothing.
 *
 * <p>Grant: client credentials only. Authentication: {@code client_secret_basic} when a secret is given,
 * {@code private_key_jwt} when the client publishes a JWK set; both when both are.
 */
public class PlatformClientRegistrar {

    private final RegisteredClientRepository repository;
    private final PasswordEncoder passwordEncoder;
    private final Duration accessTokenTtl;
    private final Clock clock;
    private final JwksUriCheck jwksUriCheck;

    /**
     * Checks a client's JWKS URI before it is stored: identity will fetch it, so it must pass the upstream network
     * policy ({@code clients.assertion.GuardedJwksFetcher#check}).
     */
    @FunctionalInterface
    public interface JwksUriCheck {

        /**
         * @return the URI to store
         * @throws IllegalArgumentException saying why the URI is refused
         */
        URI check(URI uri);
    }

    public PlatformClientRegistrar(RegisteredClientRepository repository, PasswordEncoder passwordEncoder,
            Duration accessTokenTtl, Clock clock, JwksUriCheck jwksUriCheck) {
        this.repository = repository;
        this.passwordEncoder = passwordEncoder;
        this.accessTokenTtl = accessTokenTtl;
        this.clock = clock;
        this.jwksUriCheck = jwksUriCheck;
    }

    /**
     * @param secret the client's secret, or {@code null} when it authenticates with {@code private_key_jwt} only
     * @throws IllegalArgumentException when the client would have no way to authenticate
     */
    public RegistrationOutcome register(PlatformClient client, ClientSecret secret) {
        Objects.requireNonNull(client, "client");
        if (secret == null && !client.usesPrivateKeyJwt()) {
            throw new IllegalArgumentException("client " + client.clientId()
                    + " needs a secret or a JWK set URI to authenticate with");
        }
        RegisteredClient existing = repository.findByClientId(client.clientId().value());
        RegisteredClient desired = toRegisteredClient(client, secret, existing);
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

    private RegisteredClient toRegisteredClient(PlatformClient client, ClientSecret secret, RegisteredClient existing) {
        RegisteredClient.Builder builder = existing != null
                ? RegisteredClient.withId(existing.getId()).clientIdIssuedAt(existing.getClientIdIssuedAt())
                : RegisteredClient.withId(UUID.randomUUID().toString()).clientIdIssuedAt(clock.instant());
        ClientSettings.Builder settings = ClientSettings.builder()
                .requireAuthorizationConsent(false);
        client.jwkSet().ifPresent(uri -> settings.jwkSetUrl(jwksUriCheck.check(uri).toString()));
        if (client.usesPrivateKeyJwt()) {
            // FAPI 2.0 algorithms; ClientAssertionDecoderFactory accepts PS256 and ES256 whatever is recorded here
            settings.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.PS256);
        }
        PlatformClientSettings.write(settings, client);
        if (existing != null && PlatformClientSettings.disabled(existing)) {
            // re-registering (e.g. bootstrap at start) never re-enables a client an operator disabled
            settings.setting(PlatformClientSettings.DISABLED, true);
        }
        return builder
                .clientId(client.clientId().value())
                .clientName(client.clientId().value())
                .clientSecret(secret == null ? null : storedSecret(secret, existing))
                .clientAuthenticationMethods(methods -> {
                    if (secret != null) {
                        methods.add(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
                    }
                    if (client.usesPrivateKeyJwt()) {
                        methods.add(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
                    }
                })
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(scopes -> scopes.addAll(client.scopeValues()))
                .clientSettings(settings.build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .accessTokenTimeToLive(accessTokenTtl)
                        .build())
                .build();
    }

    /** The existing hash while it still matches the secret (and its encoding is current); a new hash otherwise. */
    private String storedSecret(ClientSecret secret, RegisteredClient existing) {
        String current = existing == null ? null : existing.getClientSecret();
        if (current != null && passwordEncoder.matches(secret.reveal(), current)
                && !passwordEncoder.upgradeEncoding(current)) {
            return current;
        }
        return passwordEncoder.encode(secret.reveal());
    }

    private static boolean sameRegistration(RegisteredClient a, RegisteredClient b) {
        return Objects.equals(a.getClientSecret(), b.getClientSecret())
                && a.getClientAuthenticationMethods().equals(b.getClientAuthenticationMethods())
                && a.getAuthorizationGrantTypes().equals(b.getAuthorizationGrantTypes())
                && Set.copyOf(a.getScopes()).equals(Set.copyOf(b.getScopes()))
                && Objects.equals(a.getClientSettings().getJwkSetUrl(), b.getClientSettings().getJwkSetUrl())
                && PlatformClientSettings.jwks(a).equals(PlatformClientSettings.jwks(b))
                && PlatformClientSettings.disabled(a) == PlatformClientSettings.disabled(b)
                && PlatformClientSettings.clientType(a).equals(PlatformClientSettings.clientType(b))
                && PlatformClientSettings.agencyId(a).equals(PlatformClientSettings.agencyId(b))
                && a.getTokenSettings().getAccessTokenTimeToLive().equals(b.getTokenSettings().getAccessTokenTimeToLive())
                && a.getTokenSettings().getAccessTokenFormat().equals(b.getTokenSettings().getAccessTokenFormat());
    }
}
