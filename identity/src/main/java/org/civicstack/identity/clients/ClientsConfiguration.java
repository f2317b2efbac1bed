package org.civicstack.identity.clients;

import java.time.Clock;

import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.events.TokenEvents;
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
     * id ({@link EnabledClientsRepository}). Registration and administration use the JDBC repository under it.
     */
    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcTemplate jdbc) {
        return new EnabledClientsRepository(new JdbcRegisteredClientRepository(jdbc));
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
    PlatformClientRegistrar platformClientRegistrar(JdbcTemplate jdbc, PasswordEncoder passwordEncoder, IdentityProperties properties, GuardedJwksFetcher jwksFetcher) {
        return new PlatformClientRegistrar(new JdbcRegisteredClientRepository(jdbc), passwordEncoder,
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
    ClientAdministration clientAdministration(JdbcTemplate jdbc, PlatformClientRegistrar registrar,
            TransactionTemplate transaction, TokenEvents events) {
        return new ClientAdministration(new JdbcRegisteredClientRepository(jdbc), registrar, jdbc, transaction, events);
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
