package org.civicstack.gateway.access;

import java.text.ParseException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.jwk.JWKSet;
import org.civicstack.gateway.routing.GatewayProperties;
import org.civicstack.gateway.routing.PlatformService;
import org.civicstack.gateway.routing.UpstreamClients;
import org.civicstack.platform.security.revocation.RevocationConfiguration;
import org.civicstack.platform.security.revocation.RevocationList;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Citizen access enforcement for agency dispatch: identity's JWKS (fetched at start, periodically and on unknown
 * {@code kid}s), the token validator, the token exchange with its assertion cache, and the platform's deny-list of
 * identity's revocations ({@link RevocationConfiguration}: list, feed, {@code revocations} health).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AccessProperties.class)
@Import(RevocationConfiguration.class)
public class AccessConfiguration {

    @Bean
    JwksCache jwksCache(AccessProperties properties, GatewayProperties gateway) {
        WebClient identity = UpstreamClients.create(gateway.upstream(PlatformService.IDENTITY));
        java.time.Duration timeout = UpstreamClients.overall(gateway.upstream(PlatformService.IDENTITY));
        JwksFetcher fetcher = () -> identity.get().uri(properties.jwksUri()).retrieve().bodyToMono(String.class)
                .timeout(timeout)
                .map(AccessConfiguration::parseJwks)
                .toFuture();
        return new JwksCache(fetcher, properties.unknownKidRefreshInterval());
    }

    private static JWKSet parseJwks(String body) {
        try {
            return JWKSet.parse(body);
        } catch (ParseException e) {
            throw new IllegalStateException("identity's JWKS is not a JWK set: " + e.getMessage(), e);
        }
    }

    /** Fetches the JWKS at start and then every {@code jwks-refresh-interval}, on its own daemon thread. */
    @Bean
    SmartLifecycle jwksRefresher(JwksCache keys, AccessProperties properties) {
        return new SmartLifecycle() {
            private volatile ScheduledExecutorService scheduler;

            @Override
            public void start() {
                ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread thread = new Thread(task, "cs-jwks-refresh");
                    thread.setDaemon(true);
                    return thread;
                });
                long period = properties.jwksRefreshInterval().toMillis();
                executor.scheduleWithFixedDelay(keys::refresh, 0, period, TimeUnit.MILLISECONDS);
                scheduler = executor;
            }

            @Override
            public void stop() {
                ScheduledExecutorService executor = scheduler;
                scheduler = null;
                if (executor != null) {
                    executor.shutdownNow();
                }
            }

            @Override
            public boolean isRunning() {
                return scheduler != null;
            }
        };
    }

    @Bean
    TokenValidator tokenValidator(JwksCache keys, AccessProperties properties) {
        return new TokenValidator(keys, properties.issuer(), properties.clockSkew(), properties.tokenCacheSize());
    }

    @Bean
    TokenExchange tokenExchange(AccessProperties properties, GatewayProperties gateway, JsonMapper json) {
        return new BoundedTokenExchange(
                new IdentityTokenExchange(UpstreamClients.create(gateway.upstream(PlatformService.IDENTITY)),
                        properties.tokenUri(), properties.clientId(), properties.clientSecret(),
                        properties.exchangeTimeout(), json),
                properties.maxConcurrentExchanges());
    }

    /** Revoked tokens are refused after the verified-token cache; none when revocations are switched off. */
    @Bean
    AccessControl accessControl(TokenValidator validator, TokenExchange exchange, AccessProperties properties,
            ObjectProvider<RevocationList> revocations) {
        return new GatewayAccessControl(validator,
                new AssertionCache(exchange, properties.assertionMargin(), properties.assertionRenewAhead(),
                        properties.assertionCacheSize()), revocations.getIfAvailable(RevocationList::unchecked));
    }

    @Bean
    AccessProblems accessProblems() {
        return new AccessProblems();
    }

}
