package org.civicstack.identity.session;

import org.civicstack.identity.clients.PlatformScope;
import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.revocation.Revocations;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;

/**
 * Who may introspect (RFC 7662 §4: the endpoint must not become a token scanner): only an authenticated client
 * registered with {@code identity:introspect}. Any other client gets {@code {"active": false}} for every token —
 * the RFC's answer for "nothing to tell you", which leaks neither the token's state nor the rule. Each call is a
 * {@code TOKEN_INTROSPECTED} event (caller, the token's jti when active, whether it was active, whether allowed).
 */
public final class TokenIntrospectionPolicy implements AuthenticationProvider {

    private final AuthenticationProvider delegate;
    private final TokenEvents events;
    private final Revocations revocations;

    public TokenIntrospectionPolicy(AuthenticationProvider delegate, TokenEvents events, Revocations revocations) {
        this.delegate = delegate;
        this.events = events;
        this.revocations = revocations;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2TokenIntrospectionAuthenticationToken.class.isAssignableFrom(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2TokenIntrospectionAuthenticationToken request = (OAuth2TokenIntrospectionAuthenticationToken) authentication;
        if (!(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()) {
            return delegate.authenticate(authentication); // the library answers invalid_client
        }
        String clientId = client.getRegisteredClient().getClientId();
        if (!client.getRegisteredClient().getScopes().contains(PlatformScope.IDENTITY_INTROSPECT.value())) {
            events.record(TokenEvent.of(TokenEventType.TOKEN_INTROSPECTED).client(clientId)
                    .detail("allowed", false).detail("active", false).build());
            return new OAuth2TokenIntrospectionAuthenticationToken(request.getToken(), client,
                    OAuth2TokenIntrospection.builder().build());
        }
        Authentication result = delegate.authenticate(authentication);
        OAuth2TokenIntrospection claims = ((OAuth2TokenIntrospectionAuthenticationToken) result).getTokenClaims();
        if (claims.isActive() && revoked(claims)) {
            // revoked by session, citizen or client (revocation package): inactive, as at every gateway
            claims = OAuth2TokenIntrospection.builder().build();
            result = new OAuth2TokenIntrospectionAuthenticationToken(request.getToken(), client, claims);
        }
        events.record(TokenEvent.of(TokenEventType.TOKEN_INTROSPECTED).client(clientId)
                .jti(claims.isActive() ? claims.getId() : null)
                .detail("allowed", true).detail("active", claims.isActive()).build());
        return result;
    }

    private boolean revoked(OAuth2TokenIntrospection claims) {
        java.time.Instant issuedAt = claims.getIssuedAt();
        return issuedAt != null && revocations.refuses(claims.getId(), stringClaim(claims, "sid"),
                claims.getSubject(), claims.getClientId(), issuedAt);
    }

    private static String stringClaim(OAuth2TokenIntrospection claims, String name) {
        Object value = claims.getClaims().get(name);
        return value == null ? null : value.toString();
    }
}
