package org.civicstack.identity.clients;

import java.time.Clock;

import org.civicstack.identity.IdentityProperties;
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

    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcTemplate jdbc) {
        return new JdbcRegisteredClientRepository(jdbc);
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
    PlatformClientRegistrar platformClientRegistrar(RegisteredClientRepository repository,
            PasswordEncoder passwordEncoder, IdentityProperties properties) {
        return new PlatformClientRegistrar(repository, passwordEncoder, properties.accessTokenTtl(),
                Clock.systemUTC());
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
