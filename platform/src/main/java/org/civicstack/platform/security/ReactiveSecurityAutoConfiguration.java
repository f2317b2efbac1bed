package org.civicstack.platform.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ReactiveProblemHandler;
import org.civicstack.platform.security.jose.TokenSignatures;
import org.civicstack.platform.security.revocation.RevocationConfiguration;
import org.civicstack.platform.security.revocation.RevocationList;
import org.civicstack.platform.security.revocation.RevocationTokenValidator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * The one security setup of every reactive service with protected APIs: an OAuth2 resource server validating
 * identity's JWTs locally (signature via the cached JWKS, issuer, audience, expiry); health, metrics, API docs and
 * the service's declared public paths are open, everything else needs a valid token. Per-API scope checks are the
 * service's own. 401 and 403 are problem+json, 401 with {@code WWW-Authenticate: Bearer}.
 * <p>
 * With reactive Redis, tokens identity has revoked are refused too ({@link RevocationTokenValidator} over the
 * deny-list its revocation stream feeds, {@link RevocationConfiguration}; docs/revocation.md), unless
 * {@code civicstack.security.revocation.enabled=false}.
 */
@AutoConfiguration(after = org.civicstack.platform.config.ReactivePlatformAutoConfiguration.class,
        afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(ServerHttpSecurity.class)
@ConditionalOnProperty(prefix = "civicstack.security", name = "jwks-uri")
@EnableConfigurationProperties(SecurityProperties.class)
public class ReactiveSecurityAutoConfiguration {

    private static final String REACTIVE_REDIS = "org.springframework.data.redis.core.ReactiveStringRedisTemplate";

    /** The deny-list, its feed and health, for a service with reactive Redis (all of ours have it). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = REACTIVE_REDIS)
    @ConditionalOnBean(type = REACTIVE_REDIS)
    @Import(RevocationConfiguration.class)
    static class Revocations {
    }

    @Bean
    ReactiveJwtDecoder civicstackJwtDecoder(SecurityProperties properties, ObjectProvider<RevocationList> revocations) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(properties.jwksUri().toString())
                // EdDSA (Ed25519) and PS256, the algorithms identity signs with (security.jose.TokenSignatures)
                .jwtProcessorCustomizer(processor -> TokenSignatures.configure(processor,
                        new JWKSecurityContextJWKSet(), TokenSignatures.IDENTITY_ALGORITHMS))
                .build();
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(properties.audience()));
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        // typ at+jwt (RFC 9068) replaces the default "JWT or none" type check
        validators.add(JwtValidators.createDefaultWithValidators(new JwtIssuerValidator(properties.issuer()),
                AccessTokenType.validator()));
        validators.add(audience);
        // after the signature and the claims: a revoked token is refused although it is otherwise valid
        revocations.ifAvailable(list -> validators.add(new RevocationTokenValidator(list)));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    @Bean
    SecurityWebFilterChain civicstackSecurity(ServerHttpSecurity http, SecurityProperties properties,
            ReactiveJwtDecoder decoder, ReactiveProblemHandler problems) {
        List<String> open = properties.openPaths();
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .authorizeExchange(ex -> ex
                        .pathMatchers(open.toArray(String[]::new)).permitAll()
                        .anyExchange().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.jwtDecoder(decoder))
                        .authenticationEntryPoint((exchange, e) -> problems.handle(exchange, invalidToken(e)))
                        .accessDeniedHandler((exchange, e) -> problems.handle(exchange, new ApiProblem(403,
                                "forbidden", "Forbidden", "The token does not allow this."))))
                .exceptionHandling(eh -> eh
                        .authenticationEntryPoint((exchange, e) -> problems.handle(exchange, unauthorized(
                                "A bearer access token is required.", "Bearer"))))
                .build();
    }

    /** A refused token: the generic reason, or the revocation refusal (which tells the caller to refresh). */
    private static ApiProblem invalidToken(Throwable failure) {
        return RevocationTokenValidator.refusalDescription(failure)
                .map(description -> unauthorized(description,
                        "Bearer error=\"invalid_token\", error_description=\"" + description + "\""))
                .orElseGet(() -> unauthorized("A valid bearer access token is required.",
                        "Bearer error=\"invalid_token\""));
    }

    private static ApiProblem unauthorized(String detail, String wwwAuthenticate) {
        return new ApiProblem(401, "unauthorized", "Unauthorized", detail, List.of(),
                Map.of("WWW-Authenticate", wwwAuthenticate));
    }
}
