package org.civicstack.identity.session;

import java.util.List;

import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.authorization.AuthenticationProviders;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.revocation.Revocations;
import org.civicstack.platform.schedule.PeriodicJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.transaction.support.TransactionTemplate;

/** Sessions, refresh rotation with reuse detection, and the introspection and revocation rules. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SessionProperties.class)
public class SessionsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SessionsConfiguration.class);

    @Bean
    UsedRefreshTokens usedRefreshTokens(JdbcTemplate jdbc, IdentityProperties identity) {
        return new UsedRefreshTokens(jdbc, identity.keyEncryptionSecret());
    }

    @Bean
    TokenFamilies tokenFamilies(JdbcTemplate jdbc, OAuth2AuthorizationService authorizations,
            CitizenSessions sessions, TokenEvents events, Revocations revocations) {
        return new TokenFamilies(jdbc, authorizations, sessions, events, revocations);
    }

    @Bean
    SessionTokenRules sessionTokenRules(OAuth2AuthorizationService authorizations, RegisteredClientRepository clients,
            UsedRefreshTokens usedTokens, TokenFamilies families, TokenEvents events,
            TransactionTemplate transaction, SessionProperties properties, AuthorizationServerSettings settings,
            Revocations revocations) {
        return new SessionTokenRules(authorizations, clients, usedTokens, families, events, transaction,
                properties, settings, revocations);
    }

    /** The userinfo answer for citizens; the OIDC configuration (login feature) plugs it into SAS. */
    @Bean
    CitizenUserInfoMapper citizenUserInfoMapper(org.civicstack.identity.citizen.CitizenAccounts accounts) {
        return new CitizenUserInfoMapper(accounts, accounts::mobileOf);
    }

    /** Deletes fingerprints of used refresh tokens past their lifetime, every {@code purge-interval}. */
    @Bean
    PeriodicJob usedRefreshTokenPurge(UsedRefreshTokens usedTokens, SessionProperties properties) {
        return PeriodicJob.blocking("used refresh token purge", properties.purgeInterval(),
                properties.purgeInterval(), () -> {
                    int purged = usedTokens.purge();
                    if (purged > 0) {
                        log.debug("purged {} used refresh token fingerprints past their lifetime", purged);
                    }
                    return purged;
                });
    }

    /**
     * What the sessions feature adds to the authorization server's endpoints; the security filter chain calls
     * {@link #applyTo} once. Kept here so the chain's own configuration stays one line for it.
     */
    public static final class SessionTokenRules {

        private final OAuth2AuthorizationService authorizations;
        private final RegisteredClientRepository clients;
        private final UsedRefreshTokens usedTokens;
        private final TokenFamilies families;
        private final TokenEvents events;
        private final TransactionTemplate transaction;
        private final SessionProperties properties;
        private final AuthorizationServerSettings settings;
        private final Revocations revocations;

        SessionTokenRules(OAuth2AuthorizationService authorizations, RegisteredClientRepository clients,
                UsedRefreshTokens usedTokens, TokenFamilies families, TokenEvents events,
                TransactionTemplate transaction, SessionProperties properties, AuthorizationServerSettings settings,
                Revocations revocations) {
            this.revocations = revocations;
            this.authorizations = authorizations;
            this.clients = clients;
            this.usedTokens = usedTokens;
            this.families = families;
            this.events = events;
            this.transaction = transaction;
            this.properties = properties;
            this.settings = settings;
        }

        public void applyTo(OAuth2AuthorizationServerConfigurer server) {
            server.clientAuthentication(client -> client
                    .authenticationConverter(PublicClientAuthentication.converter(settings.getTokenRevocationEndpoint()))
                    .authenticationProvider(PublicClientAuthentication.provider(clients)));
            server.tokenIntrospectionEndpoint(introspection -> introspection.authenticationProviders(providers ->
                    AuthenticationProviders.wrap(providers, OAuth2TokenIntrospectionAuthenticationProvider.class,
                            delegate -> new TokenIntrospectionPolicy(delegate, events, revocations))));
            server.tokenRevocationEndpoint(revocation -> revocation.authenticationProviders(providers ->
                    AuthenticationProviders.wrap(providers, OAuth2TokenRevocationAuthenticationProvider.class,
                            delegate -> new FamilyRevocation(delegate, authorizations, families, events, transaction,
                                    revocations))));
        }

        /** The refresh grant with rotation and reuse detection (called from the chain's one token-endpoint consumer). */
        public void tokenEndpointProviders(List<AuthenticationProvider> providers) {
            AuthenticationProviders.wrap(providers, OAuth2RefreshTokenAuthenticationProvider.class,
                    delegate -> new RotatingRefreshTokenProvider(delegate, authorizations, usedTokens, families,
                            events, transaction, properties));
        }
    }
}
