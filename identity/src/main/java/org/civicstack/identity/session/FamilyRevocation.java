package org.civicstack.identity.session;

import java.util.Map;
import java.util.Optional;

import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.login.CitizenLoginPrincipal.LoginFacts;
import org.civicstack.identity.revocation.Revocation;
import org.civicstack.identity.revocation.Revocations;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Token revocation (RFC 7009) around the library's provider, which already limits it to the client the token was
 * issued to and answers 200 for an unknown token. In addition: revoking a citizen's refresh token ends the login —
 * the whole family (every authorization of the {@code sid}) and the session ({@code revoked}); revoking an access
 * token revokes that token's authorization only. Event {@code TOKEN_REVOKED} for a token that was found.
 */
public final class FamilyRevocation implements AuthenticationProvider {

    private final AuthenticationProvider delegate;
    private final OAuth2AuthorizationService authorizations;
    private final TokenFamilies families;
    private final TokenEvents events;
    private final TransactionTemplate transaction;
    private final Revocations revocations;

    public FamilyRevocation(AuthenticationProvider delegate, OAuth2AuthorizationService authorizations,
            TokenFamilies families, TokenEvents events, TransactionTemplate transaction, Revocations revocations) {
        this.revocations = revocations;
        this.delegate = delegate;
        this.authorizations = authorizations;
        this.families = families;
        this.events = events;
        this.transaction = transaction;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2TokenRevocationAuthenticationToken.class.isAssignableFrom(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2TokenRevocationAuthenticationToken request = (OAuth2TokenRevocationAuthenticationToken) authentication;
        if (!(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()) {
            return delegate.authenticate(authentication);
        }
        return transaction.execute(status -> {
            OAuth2Authorization authorization = authorizations.findByToken(request.getToken(), null);
            Authentication result = delegate.authenticate(authentication);
            if (authorization == null
                    || !authorization.getRegisteredClientId().equals(client.getRegisteredClient().getId())) {
                return result; // unknown, or another client's token: the library did nothing and says 200
            }
            String clientId = client.getRegisteredClient().getClientId();
            OAuth2Authorization.Token<?> token = authorization.getToken(request.getToken());
            boolean refresh = token != null && token.getToken() instanceof OAuth2RefreshToken;
            Optional<LoginFacts> login = TokenFamilies.loginOf(authorization);
            events.record(TokenEvent.of(TokenEventType.TOKEN_REVOKED).client(clientId)
                    .citizen(login.map(LoginFacts::citizen).orElse(null))
                    .session(login.map(LoginFacts::sid).orElse(null))
                    .jti(token != null && token.getToken() instanceof OAuth2AccessToken ? jti(token.getClaims()) : null)
                    .detail("token_type", refresh ? "refresh_token" : "access_token").build());
            String jti = token != null && token.getToken() instanceof OAuth2AccessToken ? jti(token.getClaims()) : null;
            if (jti != null) {
                // a JWT access token stays valid where it is checked locally: refuse it at every gateway too
                revocations.revoke(Revocation.Kind.TOKEN, jti, "client:" + clientId, "revoked");
            }
            if (refresh && login.isPresent()) {
                families.lock(login.get().sid());
                families.end(login.get().citizen(), login.get().sid(), "revoked", clientId);
            }
            return result;
        });
    }

    private static String jti(Map<String, Object> claims) {
        Object jti = claims == null ? null : claims.get("jti");
        return jti == null ? null : jti.toString();
    }
}
