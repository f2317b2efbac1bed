package org.civicstack.platform.config;

import org.civicstack.platform.error.ProblemResolver;
import org.civicstack.platform.error.ServletProblemHandler;
import org.civicstack.platform.web.RequestIdServletFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/** Servlet services (identity): the same problem+json and request id as the reactive stack. */
@AutoConfiguration(after = PlatformAutoConfiguration.class,
        beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class ServletPlatformAutoConfiguration {

    @Bean
    ServletProblemHandler servletProblemHandler(ProblemResolver resolver, JsonMapper json) {
        return new ServletProblemHandler(resolver, json);
    }

    @Bean
    FilterRegistrationBean<RequestIdServletFilter> requestIdServletFilter() {
        FilterRegistrationBean<RequestIdServletFilter> registration =
                new FilterRegistrationBean<>(new RequestIdServletFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
