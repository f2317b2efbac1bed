package org.civicstack.platform.security;

import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ReactiveProblemHandler;
import org.civicstack.platform.security.jose.TokenSignatures;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
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
 */
@AutoConfiguration(after = org.civicstack.platform.config.ReactivePlatformAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(ServerHttpSecurity.class)
@ConditionalOnProperty(prefix = "civicstack.security", name = "jwks-uri")
@EnableConfigurationProperties(SecurityProperties.class)
public class ReactiveSecurityAutoConfiguration {

    @Bean
    ReactiveJwtDecoder civicstackJwtDecoder(SecurityProperties properties) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(properties.jwksUri().toString())
                // EdDSA (Ed25519) and PS256, the algorithms identity signs with (security.jose.TokenSignatures)
                .jwtProcessorCustomizer(processor -> TokenSignatures.configure(processor,
                        new JWKSecurityContextJWKSet(), TokenSignatures.IDENTITY_ALGORITHMS))
                .build();
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(properties.audience()));
        // typ at+jwt (RFC 9068) replaces the default "JWT or none" type check
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithValidators(
                new JwtIssuerValidator(properties.issuer()), AccessTokenType.validator()), audience));
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
                        .authenticationEntryPoint((exchange, e) -> problems.handle(exchange, unauthorized(
                                "A valid bearer access token is required.", "Bearer error=\"invalid_token\"")))
                        .accessDeniedHandler((exchange, e) -> problems.handle(exchange, new ApiProblem(403,
                                "forbidden", "Forbidden", "The token does not allow this."))))
                .exceptionHandling(eh -> eh
                        .authenticationEntryPoint((exchange, e) -> problems.handle(exchange, unauthorized(
                                "A bearer access token is required.", "Bearer"))))
                .build();
    }

    private static ApiProblem unauthorized(String detail, String wwwAuthenticate) {
        return new ApiProblem(401, "unauthorized", "Unauthorized", detail, List.of(),
                Map.of("WWW-Authenticate", wwwAuthenticate));
    }
}
