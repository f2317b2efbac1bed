package org.civicstack.platform.security.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import org.civicstack.platform.config.PlatformAutoConfiguration;
import org.civicstack.platform.config.ReactivePlatformAutoConfiguration;
import org.civicstack.platform.security.ReactiveSecurityAutoConfiguration;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Which reactive resource servers follow the revocation stream: those with reactive Redis (the real one of the test
 * kit), unless {@code civicstack.security.revocation.enabled=false}; the feed starts with the application.
 */
class RevocationWiringIT {

    private final ReactiveWebApplicationContextRunner resourceServer = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PlatformAutoConfiguration.class,
                    ReactivePlatformAutoConfiguration.class, ReactiveSecurityAutoConfiguration.class))
            .withUserConfiguration(WebFluxSecurity.class)
            .withPropertyValues("civicstack.security.jwks-uri=http://localhost:1/oauth2/jwks",
                    "civicstack.security.issuer=http://localhost:8080", "civicstack.security.audience=civicstack");

    private final ReactiveWebApplicationContextRunner withRedis = resourceServer
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
                    DataRedisReactiveAutoConfiguration.class))
            .withPropertyValues("spring.data.redis.url=" + TestInfrastructure.shared().redisUrl());

    @Test
    void aResourceServerWithReactiveRedisFollowsTheStreamAndReportsItInHealth() {
        withRedis.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ReactiveJwtDecoder.class)
                    .hasSingleBean(RevocationList.class).hasSingleBean(RevocationFeed.class)
                    .hasBean("revocationsHealthIndicator");
            assertThat(context.getBean(RevocationFeed.class).isRunning()).isTrue();
            // the first read caught up: its Redis connection is established before the context closes (a connection
            // still being set up while the client shuts down leaves Netty a buffer it reports as leaked)
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (!context.getBean(RevocationList.class).current()) {
                assertThat(System.nanoTime()).as("the feed is current within 10 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(context.getBean("revocationsHealthIndicator", ReactiveHealthIndicator.class)).isNotNull();
        });
    }

    @Test
    void thePropertySwitchesItOff() {
        withRedis.withPropertyValues("civicstack.security.revocation.enabled=false").run(context -> assertThat(context)
                .hasNotFailed().hasSingleBean(ReactiveJwtDecoder.class)
                .doesNotHaveBean(RevocationList.class).doesNotHaveBean(RevocationFeed.class)
                .doesNotHaveBean("revocationsHealthIndicator"));
    }

    @Test
    void withoutRedisThereIsNothingToFollow() {
        resourceServer.run(context -> assertThat(context)
                .hasNotFailed().hasSingleBean(ReactiveJwtDecoder.class).doesNotHaveBean(RevocationFeed.class));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebFluxSecurity
    static class WebFluxSecurity {
    }
}
