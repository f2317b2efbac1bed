package org.civicstack.identity.clients.assertion;

import java.time.Clock;
import java.util.List;

import org.civicstack.identity.authorization.AuthorizationServerCustomizer;
import org.civicstack.platform.net.HostResolver;
import org.civicstack.platform.net.UpstreamAddressGuard;
import org.civicstack.platform.net.UpstreamNetworkProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/**
 * {@code private_key_jwt} with identity's own assertion checks and JWKS fetch: {@link ClientAssertionDecoderFactory}
 * replaces the decoder factory of Spring Authorization Server's {@link JwtClientAssertionAuthenticationProvider}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamNetworkProperties.class)
public class ClientAssertionConfiguration {

    @Bean
    GuardedJwksFetcher jwksFetcher(UpstreamNetworkProperties network, ClientAssertionProperties properties) {
        return new GuardedJwksFetcher(new UpstreamAddressGuard(network), HostResolver.system(), properties);
    }

    @Bean
    ClientKeys clientKeys(JwksFetcher fetcher, ClientAssertionProperties properties) {
        return new ClientKeys(fetcher, properties, Clock.systemUTC());
    }

    @Bean
    ClientAssertionJtis clientAssertionJtis(JdbcTemplate jdbc, ClientAssertionProperties properties) {
        return new ClientAssertionJtis(jdbc, Clock.systemUTC(), properties.clockSkew());
    }

    @Bean
    ClientAssertionDecoderFactory clientAssertionDecoderFactory(ClientKeys keys, ClientAssertionJtis jtis,
            ClientAssertionProperties properties, AuthorizationServerSettings settings) {
        String issuer = settings.getIssuer();
        List<String> audiences = List.of(issuer, issuer + settings.getTokenEndpoint());
        return new ClientAssertionDecoderFactory(keys, jtis, properties, () -> audiences, Clock.systemUTC());
    }

    @Bean
    AuthorizationServerCustomizer privateKeyJwtClientAuthentication(ClientAssertionDecoderFactory decoders) {
        return server -> server.clientAuthentication(clients -> clients.authenticationProviders(providers ->
                providers.forEach(provider -> {
                    if (provider instanceof JwtClientAssertionAuthenticationProvider jwt) {
                        jwt.setJwtDecoderFactory(decoders);
                    }
                })));
    }
}
