package org.civicstack.gateway.dispatch;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Agency dispatch is the gateway's hot path: Micrometer observations (server timers with URI tags, tracing spans)
 * measured at ~40 % of its per-request cost (bench/gateway-dispatch). Dispatched requests are therefore not
 * observed by the generic HTTP server observation; they are measured by the dispatch timer and the usage stream
 * instead, and an incoming {@code traceparent} still reaches the agency unchanged. Platform routes keep their
 * observations.
 */
@Configuration(proxyBeanMethods = false)
public class DispatchObservationConfiguration {

    @Bean
    ObservationPredicate dispatchRequestsAreNotObserved() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext server
                && server.getCarrier().getPath().pathWithinApplication().value().startsWith(AgencyDispatchFilter.PREFIX));
    }
}
