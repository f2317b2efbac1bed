package org.civicstack.identity.clients;

import java.time.Clock;

import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.revocation.Revocations;
import org.civicstack.identity.clients.assertion.GuardedJwksFetcher;
import org.civicstack.platform.net.UnsafeUpstreamException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;

/** Client registration: registered clients live in PostgreSQL, secrets as salted SHA-256 ({@link ClientSecretEncoder}). */
@Configuration(proxyBeanMethods = false)
class ClientsConfiguration {

    /**
     * The repository the authorization server authenticates clients with: disabled clients are not found by client
     * id ({@link EnabledClientsRepository}), and clients are kept in memory briefly ({@link ClientCache}).
     * Registration and administration read the database directly ({@link ClientCache#uncached()}).
     */
    @Bean
    RegisteredClientRepository registeredClientRepository(ClientCache cache) {
        return new EnabledClientsRepository(cache.cached());
    }

    /** The stored-authorization service's lookups: the cache also inside its transactions. */
    @Bean
    StoredAuthorizationClients storedAuthorizationClients(ClientCache cache) {
        return new StoredAuthorizationClients(cache.forStoredAuthorizations());
    }

    /** Clients in memory for {@link ClientCache#DEFAULT_TTL}; every write of this instance goes through it. */
    @Bean
    ClientCache clientCache(JdbcTemplate jdbc) {
        return new ClientCache(new JdbcRegisteredClientRepository(jdbc), ClientCache.DEFAULT_TTL);
    }

    /**
     * Delegating, so stored hashes name their algorithm ({@code {sha256-salted}…}, earlier {@code {bcrypt}…}) and
     * older ones are upgraded on the next registration or successful authentication. Spring Authorization
     * Server's client authentication picks this bean up.
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        return ClientSecretEncoder.delegating();
    }

    @Bean
    PlatformClientRegistrar platformClientRegistrar(ClientCache cache, PasswordEncoder passwordEncoder, IdentityProperties properties, GuardedJwksFetcher jwksFetcher) {
        return new PlatformClientRegistrar(cache.uncached(), passwordEncoder,
                properties.accessTokenTtl(),
                Clock.systemUTC(), uri -> {
                    try {
                        return jwksFetcher.check(uri).toUri();
                    } catch (UnsafeUpstreamException e) {
                        throw new IllegalArgumentException("jwk set uri is refused by the network policy "
                                + "(civicstack.upstream-network.*): " + e.getMessage(), e);
                    }
                });
    }

    @Bean
    ClientAdministration clientAdministration(JdbcTemplate jdbc, ClientCache cache, PlatformClientRegistrar registrar,
            TransactionTemplate transaction, TokenEvents events, Revocations revocations) {
        return new ClientAdministration(cache.uncached(), registrar, jdbc, transaction, events, revocations);
    }

    @Bean
    CitizenAppClientRegistrar citizenAppClientRegistrar(RegisteredClientRepository repository,
            IdentityProperties properties) {
        return new CitizenAppClientRegistrar(repository, properties.accessTokenTtl(), Clock.systemUTC());
    }

    @Bean
    BootstrapClients bootstrapClients(IdentityProperties properties, PlatformClientRegistrar registrar,
            CitizenAppClientRegistrar apps, JdbcTemplate jdbc, TransactionTemplate transaction) {
        return new BootstrapClients(properties.bootstrapClients(), registrar, apps, jdbc, transaction);
    }
}
