package org.civicstack.platform.config;

import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.error.ProblemResolver;
import org.civicstack.platform.error.ReactiveProblemHandler;
import org.civicstack.platform.web.RequestIdWebFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/** WebFlux services (and the gateway): problem+json for every error, a request id on every exchange. */
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
}
