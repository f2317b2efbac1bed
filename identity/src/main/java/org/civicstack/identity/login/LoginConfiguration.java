package org.civicstack.identity.login;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import jakarta.servlet.http.HttpServletResponse;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.login.sms.SmsSender;
import org.civicstack.identity.session.CitizenSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The login page's security and parts. Its own filter chain for {@code /login} and {@code /login/**}: open to
 * everyone, CSRF-protected (the token is a hidden form field), session-based (the session holds the saved
 * authorization request, the pending code's id and, after success, the citizen), a strict content security policy
 * (no script, no external resource, not framable).
 */
@Configuration(proxyBeanMethods = false)
class LoginConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LoginConfiguration.class);

    /** Before the authorization server's chain and identity's API chain, which would otherwise match. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    SecurityFilterChain loginSecurityFilterChain(HttpSecurity http,
            SecurityContextRepository loginSecurityContextRepository) throws Exception {
        http.securityMatcher("/login", "/login/**")
                .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .securityContext(context -> context.securityContextRepository(loginSecurityContextRepository))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .exceptionHandling(exceptions -> exceptions.accessDeniedHandler(expiredPage()))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; "
                                + "style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"))
                        .frameOptions(frame -> frame.deny()));
        return http.build();
    }

    @Bean
    SecurityContextRepository loginSecurityContextRepository() {
        return new HttpSessionSecurityContextRepository();
    }

    /** A missing or stale CSRF token (e.g. the session expired): a page that says so, in the page's language. */
    private static AccessDeniedHandler expiredPage() {
        return (request, response, denied) -> {
            LoginLanguage language = LoginLanguage.fromTag(request.getParameter("lang"))
                    .orElse(LoginLanguage.fromAcceptLanguage(request.getHeader("Accept-Language")));
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("text/html;charset=UTF-8");
            response.setHeader("Cache-Control", "no-store");
            String page = LoginPage.message(language, language.message("error.session"));
            response.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
        };
    }

    @Bean
    LoginCodeHasher loginCodeHasher(LoginProperties properties) {
        if (properties.usesDevelopmentCodeHashSecret()) {
            log.warn("civicstack.identity.login.code-hash-secret is the development default, so stored login codes "
                    + "are hashed under a publicly known key. Set CIVICSTACK_IDENTITY_LOGIN_CODEHASHSECRET to a random "
                    + "value (openssl rand -base64 32) anywhere but a local all-in-one run.");
        }
        return new LoginCodeHasher(properties.codeHashSecret());
    }

    @Bean
    LoginCodes loginCodes(JdbcTemplate jdbc, LoginCodeHasher hasher) {
        return new LoginCodes(jdbc, hasher, Clock.systemUTC());
    }

    @Bean
    SendRateLimiter sendRateLimiter(StringRedisTemplate redis, LoginCodeHasher hasher, LoginProperties properties) {
        return new SendRateLimiter(redis, hasher, properties);
    }

    @Bean
    CitizenLogin citizenLogin(LoginCodes codes, SendRateLimiter rateLimiter, SmsSender sms, CitizenAccounts accounts,
            CitizenSessions sessions, TokenEvents events, TransactionTemplate transaction,
            LoginProperties properties) {
        return new CitizenLogin(codes, rateLimiter, sms, accounts, sessions, events, transaction, properties,
                Clock.systemUTC());
    }
}
