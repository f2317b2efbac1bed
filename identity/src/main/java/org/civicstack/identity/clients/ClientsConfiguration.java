package org.civicstack.identity.clients;

import java.time.Clock;

import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.clients.assertion.GuardedJwksFetcher;
import org.civicstack.platform.net.UnsafeUpstreamException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;

/** Client registration: registered clients live in PostgreSQL, secrets as BCrypt hashes. */
@Configuration(proxyBeanMethods = false)
class ClientsConfiguration {

    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcTemplate jdbc) {
        return new JdbcRegisteredClientRepository(jdbc);
    }

    /**
     * Delegating, so stored hashes name their algorithm ({@code {bcrypt}…}) and can be upgraded later. Spring
     * Authorization Server's client authentication picks this bean up.
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    PlatformClientRegistrar platformClientRegistrar(RegisteredClientRepository repository,
            PasswordEncoder passwordEncoder, IdentityProperties properties, GuardedJwksFetcher jwksFetcher) {
        return new PlatformClientRegistrar(repository, passwordEncoder, properties.accessTokenTtl(),
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
    BootstrapClients bootstrapClients(IdentityProperties properties, PlatformClientRegistrar registrar,
            JdbcTemplate jdbc, TransactionTemplate transaction) {
        return new BootstrapClients(properties.bootstrapClients(), registrar, jdbc, transaction);
    }
}
