package org.civicstack.identity.security;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.revocation.RevokedTokenValidator;
import org.civicstack.identity.revocation.Revocations;
import org.civicstack.platform.error.ServletProblemHandler;
import org.civicstack.platform.security.AccessTokenType;
import org.civicstack.platform.security.jose.TokenSignatures;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Everything of identity that is not an authorization server endpoint. Nothing is open except what operations and
 * the gateway need anonymously (health probes, info, metrics, the OpenAPI document and its UI, the error page) and
 * paths that do not exist (an anonymous problem+json 404, as every service answers). Everything else that exists
 * needs a bearer access token from this very authorization server, checked like any resource server would: our
 * key, our issuer, our audience, not expired. Failures are problem+json with a {@code WWW-Authenticate} challenge.
 * Spring Security also serves the RFC 9728 protected resource metadata at
 * {@code /.well-known/oauth-protected-resource}, which the challenge points to.
 */
@Configuration(proxyBeanMethods = false)
class IdentityApiSecurityConfiguration {

    static final String[] PUBLIC_PATHS = {
            "/actuator/health/**", "/actuator/info", "/actuator/prometheus",
            "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html", "/swagger-ui/**",
            "/error"};

    @Bean
    @Order(2)
    SecurityFilterChain identityApiSecurityFilterChain(HttpSecurity http, JwtDecoder jwtDecoder,
            ServletProblemHandler problems, ListableBeanFactory beans, AuthorizationServerSettings settings)
            throws Exception {
        ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(problems);
        ProblemAccessDeniedHandler accessDenied = new ProblemAccessDeniedHandler(problems);
        http.authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(PUBLIC_PATHS).permitAll()
                        .requestMatchers(new UnmappedRequestMatcher(beans)).permitAll()
                        // pairwise.CitizenReferenceController (platform services; the client type is checked there)
                        .requestMatchers("/v1/identity/citizen-references/**").hasAuthority("SCOPE_identity:resolve")
                        // clients.ClientAdminController (operators; the client type is checked there)
                        .requestMatchers("/v1/identity/clients", "/v1/identity/clients/**")
                        .hasAuthority("SCOPE_identity:clients")
                        // audit.web.AuditController (security teams); revoking also needs audit:revoke
                        .requestMatchers("/v1/identity/audit/revocations").hasAuthority("SCOPE_audit:revoke")
                        .requestMatchers("/v1/identity/audit/**").hasAuthority("SCOPE_audit:read")
                        .anyRequest().authenticated())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.decoder(jwtDecoder))
                        // RFC 9728 document that Spring Security serves and names in every bearer challenge
                        // (resource_metadata); its defaults would claim certificate-bound tokens and omit us
                        .protectedResourceMetadata(metadata -> metadata.protectedResourceMetadataCustomizer(
                                resource -> resource
                                        .authorizationServer(settings.getIssuer())
                                        .tlsClientCertificateBoundAccessTokens(false)))
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .csrf(AbstractHttpConfigurer::disable);
        return http.build();
    }

    /** Validates tokens exactly as the platform's resource servers are told to (docs/identity-clients.md). */
    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource,
            AuthorizationServerSettings settings, IdentityProperties properties, Revocations revocations) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(jwkSource)
                .jwtProcessorCustomizer(processor -> TokenSignatures.configure(processor, jwkSource,
                        TokenSignatures.IDENTITY_ALGORITHMS))
                .build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(
                new JwtIssuerValidator(settings.getIssuer()), new JwtAudienceValidator(properties.audience()),
                AccessTokenType.validator(), new RevokedTokenValidator(revocations)));
        return decoder;
    }
}
