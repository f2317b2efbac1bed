package org.civicstack.identity.authorization;

import java.util.Arrays;
import java.util.List;

import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.clients.PlatformScope;
import org.civicstack.identity.keys.ActiveSigningKey;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Authorization Server for the platform APIs: the client credentials grant for agencies, operators and
 * platform components, with JWT access tokens signed by the persisted key ({@code keys}) and clients and
 * authorizations in PostgreSQL. Boot's auto-configuration supplies the rest (JWT encoder from our
 * {@code JWKSource}) and backs off where a bean here replaces it. OpenID Connect, the authorization code grant
 * and a login page come with the citizen login issue.
 *
 * <p>Endpoints (RFC 6749 / 8414 errors and formats, not problem+json): {@code POST /oauth2/token},
 * {@code GET /oauth2/jwks}, {@code GET /.well-known/oauth-authorization-server}, {@code POST /oauth2/introspect},
 * {@code POST /oauth2/revoke}.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {

    /** Only the authorization server's own endpoints; everything else falls through to identity's API chain. */
    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http,
            ObjectProvider<AuthorizationServerCustomizer> customizers) throws Exception {
        ClientAuthenticationFailureHandler clientAuthenticationFailures = new ClientAuthenticationFailureHandler();
        http.oauth2AuthorizationServer(server -> {
            http.securityMatcher(server.getEndpointsMatcher());
            server.clientAuthentication(client -> client.errorResponseHandler(clientAuthenticationFailures));
            server.authorizationServerMetadataEndpoint(metadata -> metadata
                    .authorizationServerMetadataCustomizer(AuthorizationServerConfiguration::advertiseWhatIsSupported));
            customizers.orderedStream().forEach(customizer -> customizer.customize(server));
        });
        http.authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated());
        // every endpoint here is for clients today; the citizen login issue gives /oauth2/authorize a login entry point
        http.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(clientAuthenticationFailures));
        http.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    /**
     * The discovery document lists what a client can actually use today rather than everything the library
     * could do: client credentials, and the two client authentication methods clients are registered with.
     */
    static void advertiseWhatIsSupported(OAuth2AuthorizationServerMetadata.Builder metadata) {
        List<String> authMethods = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue(),
                ClientAuthenticationMethod.PRIVATE_KEY_JWT.getValue());
        metadata.grantTypes(grants -> {
            grants.clear();
            grants.add(AuthorizationGrantType.CLIENT_CREDENTIALS.getValue());
            // the gateway's exchange of a citizen token for an agency assertion (exchange.GatewayTokenExchangeProvider)
            grants.add(AuthorizationGrantType.TOKEN_EXCHANGE.getValue());
        });
        metadata.tokenEndpointAuthenticationMethods(methods -> replace(methods, authMethods));
        metadata.tokenRevocationEndpointAuthenticationMethods(methods -> replace(methods, authMethods));
        metadata.tokenIntrospectionEndpointAuthenticationMethods(methods -> replace(methods, authMethods));
        metadata.scopes(scopes -> replace(scopes,
                Arrays.stream(PlatformScope.values()).map(PlatformScope::value).sorted().toList()));
    }

    private static void replace(List<String> target, List<String> values) {
        target.clear();
        target.addAll(values);
    }

    /** The configured issuer, so tokens and metadata never depend on the Host header a request arrived with. */
    @Bean
    AuthorizationServerSettings authorizationServerSettings(IdentityProperties properties) {
        String issuer = properties.issuer().toString();
        while (issuer.endsWith("/")) {
            issuer = issuer.substring(0, issuer.length() - 1);
        }
        return AuthorizationServerSettings.builder().issuer(issuer).build();
    }

    @Bean
    OAuth2AuthorizationService authorizationService(JdbcTemplate jdbc, RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationService(jdbc, clients);
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> accessTokenClaimsCustomizer(IdentityProperties properties,
            ActiveSigningKey signingKey) {
        SignatureAlgorithm algorithm = SignatureAlgorithm.from(signingKey.algorithm().getName());
        if (algorithm == null) {
            throw new IllegalStateException("unsupported signing algorithm " + signingKey.algorithm());
        }
        return new AccessTokenClaimsCustomizer(properties.audience(), algorithm);
    }
}
