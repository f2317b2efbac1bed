package org.civicstack.identity.authorization;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.assurance.AssuranceLevels;
import org.civicstack.identity.session.CitizenUserInfoMapper;
import org.civicstack.identity.session.SessionsConfiguration;
import org.civicstack.identity.clients.PlatformScope;
import org.civicstack.identity.clients.StoredAuthorizationClients;
import org.civicstack.identity.keys.KeySeries;
import org.civicstack.platform.schedule.PeriodicJob;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Authorization Server for the platform APIs: the client credentials grant for agencies, operators and
 * platform components, with JWT access tokens signed by the persisted key ({@code keys}) and clients and
 * authorizations in PostgreSQL. Boot's auto-configuration supplies the rest (JWT encoder from our
 * {@code JWKSource}) and backs off where a bean here replaces it. Citizens sign in through the authorization code
 * grant with PKCE S256 and OpenID Connect: an unauthenticated {@code GET /oauth2/authorize} is sent to identity's
 * own login page ({@code /login}, package {@code login}), which puts the citizen into the HTTP session and returns
 * to the saved authorization request.
 *
 * <p>Endpoints (RFC 6749 / 8414 errors and formats, not problem+json): {@code GET /oauth2/authorize},
 * {@code POST /oauth2/token}, {@code GET /oauth2/jwks}, {@code GET /.well-known/oauth-authorization-server},
 * {@code GET /.well-known/openid-configuration}, {@code GET /userinfo}, {@code POST /oauth2/introspect},
 * {@code POST /oauth2/revoke}.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {

    /** Only the authorization server's own endpoints; everything else falls through to identity's API chain. */
    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http,
            SessionsConfiguration.SessionTokenRules sessionTokenRules, CitizenUserInfoMapper userInfo,
            ObjectProvider<AuthorizationServerCustomizer> customizers, TransactionTemplate transaction)
            throws Exception {
        ClientAuthenticationFailureHandler clientAuthenticationFailures = new ClientAuthenticationFailureHandler();
        http.oauth2AuthorizationServer(server -> {
            http.securityMatcher(server.getEndpointsMatcher());
            server.clientAuthentication(client -> client.errorResponseHandler(clientAuthenticationFailures));
            server.authorizationServerMetadataEndpoint(metadata -> metadata
                    .authorizationServerMetadataCustomizer(AuthorizationServerConfiguration::advertiseWhatIsSupported));
            server.authorizationEndpoint(authorization -> authorization
                    .errorResponseHandler(new AuthorizationErrorResponseHandler()));
            server.oidc(oidc -> oidc
                    .providerConfigurationEndpoint(provider -> provider
                            .providerConfigurationCustomizer(AuthorizationServerConfiguration::advertiseWhatIsSupported))
                    .userInfoEndpoint(endpoint -> endpoint.userInfoMapper(userInfo)));
            // sessions: public-client auth for refresh/revoke, refresh rotation + reuse, introspection/revocation rules
            sessionTokenRules.applyTo(server);
            List<AuthorizationServerCustomizer> features = customizers.orderedStream().toList();
            features.forEach(feature -> feature.customize(server));
            // the library keeps one providers consumer per endpoint: every feature's changes go through this one
            server.tokenEndpoint(token -> token.authenticationProviders(providers -> {
                // a grant's TOKEN_ISSUED events and its stored authorization commit together, once
                AuthenticationProviders.wrap(providers, OAuth2ClientCredentialsAuthenticationProvider.class,
                        delegate -> new InOneTransaction(delegate, transaction));
                AuthenticationProviders.wrap(providers, OAuth2AuthorizationCodeAuthenticationProvider.class,
                        delegate -> new InOneTransaction(delegate, transaction));
                sessionTokenRules.tokenEndpointProviders(providers);
                features.forEach(feature -> feature.tokenEndpointProviders(providers));
            }));
        });
        http.authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated());
        // a citizen's browser at /oauth2/authorize goes to the login page; every other endpoint is for clients
        // a relative Location, so the browser stays on the host it used (the gateway), whatever Host identity sees
        LoginUrlAuthenticationEntryPoint loginPage = new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE);
        loginPage.setFavorRelativeUris(true);
        http.exceptionHandling(exceptions -> exceptions
                .defaultAuthenticationEntryPointFor(loginPage,
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, AUTHORIZATION_ENDPOINT))
                .defaultAuthenticationEntryPointFor(clientAuthenticationFailures, AnyRequestMatcher.INSTANCE));
        // the HTTP session carries only the login page flow (saved authorization request, signed-in citizen);
        // token, introspection and revocation requests never create one
        http.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED));
        return http.build();
    }

    /** Where {@code /oauth2/authorize} sends a citizen who has not signed in (package {@code login}). */
    static final String LOGIN_PAGE = "/login";
    static final String AUTHORIZATION_ENDPOINT = "/oauth2/authorize";

    /**
     * The discovery documents (RFC 8414 and OpenID Connect Discovery) list what a client can actually use rather
     * than everything the library could do: the authorization code grant with PKCE S256 only and refresh tokens for
     * the citizen app (a public client, {@code none}), client credentials for platform clients
     * ({@code client_secret_basic}, {@code private_key_jwt}); response type {@code code} only; no sender-constrained
     * tokens ({@link #noSenderConstrainedTokens}). ID tokens are signed with the active key's algorithm.
     */
    static void advertiseWhatIsSupported(OAuth2AuthorizationServerMetadata.Builder metadata) {
        metadata.grantTypes(grants -> replace(grants, GRANT_TYPES))
                .responseTypes(types -> replace(types, List.of("code")))
                .codeChallengeMethods(methods -> replace(methods, List.of("S256")))
                .tokenEndpointAuthenticationMethods(methods -> replace(methods, TOKEN_AUTH_METHODS))
                .tokenRevocationEndpointAuthenticationMethods(methods -> replace(methods, TOKEN_AUTH_METHODS))
                .tokenIntrospectionEndpointAuthenticationMethods(methods -> replace(methods, CLIENT_AUTH_METHODS))
                .scopes(scopes -> replace(scopes, scopes()))
                .claims(AuthorizationServerConfiguration::noSenderConstrainedTokens);
    }

    /**
     * No sender-constrained tokens: no mTLS here, and no DPoP (RFC 9449) — the gateway and the platform's resource
     * servers accept {@code Bearer} tokens only and verify no DPoP proofs, so a DPoP-bound token would be refused
     * wherever it is used. The library advertises DPoP by default; a client that sends a proof anyway gets a
     * {@code Bearer} token, as RFC 9449 §5 describes for a server without DPoP.
     */
    static void noSenderConstrainedTokens(java.util.Map<String, Object> claims) {
        claims.remove("tls_client_certificate_bound_access_tokens");
        claims.remove("dpop_signing_alg_values_supported");
    }

    /** The same facts in the OpenID Connect discovery document, plus its own fields. */
    static void advertiseWhatIsSupported(OidcProviderConfiguration.Builder provider) {
        provider.grantTypes(grants -> replace(grants, GRANT_TYPES))
                .responseTypes(types -> replace(types, List.of("code")))
                .codeChallengeMethods(methods -> replace(methods, List.of("S256")))
                .tokenEndpointAuthenticationMethods(methods -> replace(methods, TOKEN_AUTH_METHODS))
                .tokenRevocationEndpointAuthenticationMethods(methods -> replace(methods, TOKEN_AUTH_METHODS))
                .tokenIntrospectionEndpointAuthenticationMethods(methods -> replace(methods, CLIENT_AUTH_METHODS))
                .scopes(scopes -> replace(scopes, scopes()))
                .claims(AuthorizationServerConfiguration::noSenderConstrainedTokens)
                // the app's tokens name the citizen by the platform id; agencies see pairwise subjects (package pairwise)
                .subjectTypes(types -> replace(types, List.of("public", "pairwise")))
                .idTokenSigningAlgorithms(algorithms -> replace(algorithms, List.of(KeySeries.TOKENS.algorithm().getName())));
    }

    /** Token exchange: the gateway's exchange of a citizen token for an agency assertion (package {@code exchange}). */
    private static final List<String> GRANT_TYPES = List.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
            AuthorizationGrantType.REFRESH_TOKEN.getValue(), AuthorizationGrantType.CLIENT_CREDENTIALS.getValue(),
            AuthorizationGrantType.TOKEN_EXCHANGE.getValue());
    /** Introspection is for platform clients; the citizen app is public ({@code none}: PKCE, refresh and revocation). */
    private static final List<String> CLIENT_AUTH_METHODS = List.of(
            ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue(), ClientAuthenticationMethod.PRIVATE_KEY_JWT.getValue());
    private static final List<String> TOKEN_AUTH_METHODS = List.of(
            ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue(), ClientAuthenticationMethod.PRIVATE_KEY_JWT.getValue(),
            ClientAuthenticationMethod.NONE.getValue());

    private static List<String> scopes() {
        List<String> scopes = new ArrayList<>(List.of(OidcScopes.OPENID, "offline_access", OidcScopes.PHONE));
        Arrays.stream(PlatformScope.values()).map(PlatformScope::value).forEach(scopes::add);
        return scopes.stream().sorted().toList();
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

    /**
     * Stored authorizations in PostgreSQL, each call on one connection ({@link TransactionalAuthorizationService}),
     * each row read once per transaction ({@link MemoizingJdbcAuthorizationService});
     * read back with the attributes parse remembered ({@link StoredAttributesJsonMapper}) and the clients from
     * the client cache ({@link StoredAuthorizationClients}).
     */
    @Bean
    OAuth2AuthorizationService authorizationService(JdbcTemplate jdbc, StoredAuthorizationClients clients,
            TransactionTemplate transaction, ClientCredentialsTokens clientTokens) {
        JdbcOAuth2AuthorizationService stored = new MemoizingJdbcAuthorizationService(jdbc, clients.repository());
        stored.setAuthorizationRowMapper(new JdbcOAuth2AuthorizationService.JsonMapperOAuth2AuthorizationRowMapper(
                clients.repository(), StoredAttributesJsonMapper.create(STORED_ATTRIBUTES_REMEMBERED)));
        return new ClientCredentialsAwareAuthorizationService(
                new TransactionalAuthorizationService(stored, transaction), clientTokens);
    }

    /** Client-credentials tokens, one narrow row each (V80); their clients from the client cache. */
    @Bean
    ClientCredentialsTokens clientCredentialsTokens(JdbcTemplate jdbc, StoredAuthorizationClients clients) {
        return new ClientCredentialsTokens(jdbc, clients.repository());
    }

    /** Deletes the rows of client-credentials tokens past their lifetime, every {@value #PURGE_MINUTES} minutes. */
    @Bean
    PeriodicJob clientCredentialsTokenPurge(ClientCredentialsTokens clientTokens) {
        return PeriodicJob.blocking("client-credentials token purge", Duration.ofMinutes(1),
                Duration.ofMinutes(PURGE_MINUTES), clientTokens::purgeExpired);
    }

    /**
     * Deletes stored authorizations whose every token expired ({@link ExpiredAuthorizations}), every
     * {@value #PURGE_MINUTES} minutes.
     */
    @Bean
    PeriodicJob expiredAuthorizationPurge(JdbcTemplate jdbc) {
        return PeriodicJob.blocking("expired authorization purge", Duration.ofMinutes(2),
                Duration.ofMinutes(PURGE_MINUTES), new ExpiredAuthorizations(jdbc)::purge);
    }

    static final int PURGE_MINUTES = 15;

    /** Attribute texts (one per active login) whose parse is kept: ~4 KB each, so ~16 MB at most. */
    static final int STORED_ATTRIBUTES_REMEMBERED = 4096;

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> accessTokenClaimsCustomizer(IdentityProperties properties,
            AssuranceLevels levels) {
        // the algorithm names the key series; RotatingJwtEncoder writes that series' current kid into every header
        return new AccessTokenClaimsCustomizer(properties.audience(), KeySeries.TOKENS.jwsAlgorithm(), levels);
    }
}
