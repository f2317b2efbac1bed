package org.civicstack.platform.config;

import java.time.Clock;

import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.error.ProblemResolver;
import org.civicstack.platform.error.ReactiveProblemHandler;
import org.civicstack.platform.web.RequestIdWebFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * WebFlux services (and the gateway): problem+json for every error, a request id on every exchange, and the two
 * plain beans every service's components take — the clock (UTC; tests put a {@code MutableClock} in its place) and the
 * base {@link WebClient.Builder} each outbound client clones (Boot 4 keeps its own in a module we do not use).
 */
@AutoConfiguration(after = PlatformAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class ReactivePlatformAutoConfiguration {

    @Bean
    ReactiveProblemHandler reactiveProblemHandler(ProblemResolver resolver, JsonMapper json) {
        return new ReactiveProblemHandler(resolver, json);
    }

    /** Request bodies read so that every shape error is reported with the request's other errors. */
    @Bean
    @ConditionalOnMissingBean
    LenientJson lenientJson(JsonMapper json) {
        return new LenientJson(json);
    }

    @Bean
    RequestIdWebFilter requestIdWebFilter() {
        return new RequestIdWebFilter();
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    WebClient.Builder webClientBuilder() {
        return WebClient.builder();
    }
}
