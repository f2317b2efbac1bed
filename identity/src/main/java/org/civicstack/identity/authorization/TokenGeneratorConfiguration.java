package org.civicstack.identity.authorization;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.login.CitizenLoginPrincipal;
import org.civicstack.identity.login.CitizenLoginPrincipal.LoginFacts;
import org.civicstack.identity.session.CitizenAppRefreshTokenGenerator;
import org.civicstack.identity.session.SessionProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * The token generator of the authorization server: the library's (JWT access and ID tokens shaped by
 * {@link AccessTokenClaimsCustomizer}, refresh tokens) with refresh tokens for the citizen app in front, and a
 * {@code TOKEN_ISSUED} event for every access token (jti, client, sid, grant type — never the token).
 */
@Configuration(proxyBeanMethods = false)
class TokenGeneratorConfiguration {

    @Bean
    OAuth2TokenGenerator<OAuth2Token> tokenGenerator(JwtEncoder jwtEncoder,
            OAuth2TokenCustomizer<JwtEncodingContext> accessTokenClaimsCustomizer,
            SessionProperties sessions, TokenEvents events) {
        // not a bean of its own: SAS takes the OAuth2TokenGenerator bean only when it is the unique one
        CitizenAppRefreshTokenGenerator citizenAppRefreshTokens = new CitizenAppRefreshTokenGenerator(sessions);
        // the rotating encoder (package keys): signs with the current key, its kid and alg in every header
        JwtGenerator jwts = new JwtGenerator(jwtEncoder);
        jwts.setJwtCustomizer(accessTokenClaimsCustomizer);
        OAuth2TokenGenerator<OAuth2Token> library = new DelegatingOAuth2TokenGenerator(jwts,
                new OAuth2AccessTokenGenerator(), citizenAppRefreshTokens, new OAuth2RefreshTokenGenerator());
        return context -> {
            OAuth2Token token = library.generate(context);
            if (token instanceof Jwt jwt && OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                events.record(issued(context, jwt));
            }
            return token;
        };
    }

    private static TokenEvent issued(OAuth2TokenContext context, Jwt jwt) {
        TokenEvent.Builder event = TokenEvent.of(TokenEventType.TOKEN_ISSUED)
                .client(context.getRegisteredClient().getClientId())
                .jti(jwt.getId())
                .detail("grant_type", context.getAuthorizationGrantType() == null ? null
                        : context.getAuthorizationGrantType().getValue())
                .detail("issued_at", jwt.getIssuedAt())
                .detail("expires_at", jwt.getExpiresAt());
        java.util.Optional<LoginFacts> login = CitizenLoginPrincipal.read(context.getPrincipal());
        login.ifPresent(facts -> event.citizen(facts.citizen()).session(facts.sid())
                .detail("acr", jwt.getClaimAsString(AccessTokenClaimsCustomizer.ACR)));
        return event.build();
    }
}
