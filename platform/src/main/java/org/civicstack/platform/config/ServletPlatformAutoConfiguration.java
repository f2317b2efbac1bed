package org.civicstack.platform.config;

import org.civicstack.platform.error.ProblemResolver;
import org.civicstack.platform.error.ServletProblemHandler;
import org.civicstack.platform.web.RequestBodyLimitServletFilter;
import org.civicstack.platform.web.RequestIdServletFilter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;
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

    /**
     * The largest request body read, the same setting as the reactive services' codecs (default 256 KiB, Spring's
     * default for them): a larger one is a 413 problem+json.
     */
    @Bean
    FilterRegistrationBean<RequestBodyLimitServletFilter> requestBodyLimitServletFilter(
            @Value("${spring.http.codecs.max-in-memory-size:256KB}") DataSize limit, ServletProblemHandler problems) {
        FilterRegistrationBean<RequestBodyLimitServletFilter> registration =
                new FilterRegistrationBean<>(new RequestBodyLimitServletFilter(limit.toBytes(), problems));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
