package org.civicstack.identity.session;

import java.time.Instant;
import java.util.Optional;

import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.login.CitizenLoginPrincipal.LoginFacts;
import org.civicstack.identity.session.UsedRefreshTokens.UsedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The refresh token grant for citizen tokens: rotation with reuse detection around Spring Authorization Server's
 * own provider (which does the checks of RFC 6749 §6 and issues the new tokens).
 * <ol>
 *   <li>The session row is locked for the whole exchange, so refreshes of one family run one at a time (and marked
 *       active in the same statement).</li>
 *   <li>A refresh token that was exchanged before (its fingerprint is in {@link UsedRefreshTokens}) is reuse: the
 *       whole family is revoked and the session ended ({@code refresh_reuse}), events
 *       {@code REFRESH_REUSE_DETECTED} and {@code FAMILY_REVOKED}; the answer is {@code invalid_grant}. Of two
 *       simultaneous refreshes with one token, the second to get the lock finds the first one's fingerprint.</li>
 *   <li>A session that ended, or passed its absolute lifetime, refreshes nothing ({@code invalid_grant}).</li>
 *   <li>Otherwise the token is marked used and the library rotates it; {@code TOKEN_REFRESHED}.</li>
 * </ol>
 * Anything that is not a citizen's refresh token goes to the library unchanged.
 */
public final class RotatingRefreshTokenProvider implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(RotatingRefreshTokenProvider.class);

    private final AuthenticationProvider delegate;
    private final OAuth2AuthorizationService authorizations;
    private final UsedRefreshTokens usedTokens;
    private final TokenFamilies families;
    private final TokenEvents events;
    private final TransactionTemplate transaction;
    private final SessionProperties properties;

    public RotatingRefreshTokenProvider(AuthenticationProvider delegate, OAuth2AuthorizationService authorizations,
            UsedRefreshTokens usedTokens, TokenFamilies families, TokenEvents events,
            TransactionTemplate transaction, SessionProperties properties) {
        this.delegate = delegate;
        this.authorizations = authorizations;
        this.usedTokens = usedTokens;
        this.families = families;
        this.events = events;
        this.transaction = transaction;
        this.properties = properties;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2RefreshTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /** How one exchange ended: the library's answer, or a refusal to throw once the transaction committed. */
    private record Outcome(Authentication result, String refusal) {
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2RefreshTokenAuthenticationToken request = (OAuth2RefreshTokenAuthenticationToken) authentication;
        if (!(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()) {
            return delegate.authenticate(authentication);
        }
        // one transaction from the first read: the stored authorization is read once (the library's provider and
        // its save see the same row), and the session lock, the used-token claim, the rotation and the events
        // commit together; a refusal is thrown once what it revoked has committed
        Outcome outcome = transaction.execute(status -> decide(request, client));
        if (outcome.refusal() != null) {
            throw refusal(outcome.refusal());
        }
        return outcome.result();
    }

    private Outcome decide(OAuth2RefreshTokenAuthenticationToken request, OAuth2ClientAuthenticationToken client) {
        String token = request.getRefreshToken();
        OAuth2Authorization authorization = authorizations.findByToken(token, OAuth2TokenType.REFRESH_TOKEN);
        if (authorization == null) {
            Optional<UsedToken> used = usedTokens.find(token);
            if (used.isEmpty()) {
                return new Outcome(delegate.authenticate(request), null);
            }
            return reuse(used.get(), client);
        }
        Optional<LoginFacts> login = TokenFamilies.loginOf(authorization);
        if (login.isEmpty() || !authorization.getRegisteredClientId().equals(client.getRegisteredClient().getId())) {
            return new Outcome(delegate.authenticate(request), null);
        }
        return refresh(request, client, authorization, login.get());
    }

    private Outcome refresh(OAuth2RefreshTokenAuthenticationToken request, OAuth2ClientAuthenticationToken client,
            OAuth2Authorization authorization, LoginFacts login) {
        String clientId = client.getRegisteredClient().getClientId();
        Instant createdSince = Instant.now().minus(properties.absoluteLifetime());
        // locked and marked active in one statement; a refresh that fails below rolls the activity back
        Optional<CitizenSession> session = families.lockForRefresh(login.sid(), createdSince);
        if (session.isEmpty() || !session.get().live()) {
            return new Outcome(null, "The session has ended; sign in again.");
        }
        if (session.get().createdAt().isBefore(createdSince)) {
            families.end(login.citizen(), login.sid(), "expired", clientId);
            return new Outcome(null, "The session has reached its maximum lifetime; sign in again.");
        }
        OAuth2Authorization.Token<OAuth2RefreshToken> current = authorization.getRefreshToken();
        Instant expiresAt = current.getToken().getExpiresAt() == null
                ? Instant.now().plus(properties.refreshTokenTtl()) : current.getToken().getExpiresAt();
        if (!usedTokens.claim(request.getRefreshToken(), login.sid(), clientId, expiresAt)) {
            return reuse(new UsedToken(login.sid(), clientId), client);
        }
        // the library re-reads the authorization and rotates; a failure (expired token, scope) rolls the claim back
        Authentication result = delegate.authenticate(request);
        String jti = result instanceof OAuth2AccessTokenAuthenticationToken tokens
                ? jti(tokens) : null;
        events.record(TokenEvent.of(TokenEventType.TOKEN_REFRESHED).citizen(login.citizen()).client(clientId)
                .session(login.sid()).jti(jti).build());
        return new Outcome(result, null);
    }

    private Outcome reuse(UsedToken used, OAuth2ClientAuthenticationToken client) {
        String clientId = client.getRegisteredClient().getClientId();
        Optional<CitizenSession> session = families.lock(used.sid());
        log.warn("refresh token reuse detected for session {} of client {}: revoking the token family",
                used.sid(), clientId);
        CitizenId citizen = session.map(CitizenSession::citizen).orElse(null);
        events.record(TokenEvent.of(TokenEventType.REFRESH_REUSE_DETECTED).citizen(citizen).client(clientId)
                .session(used.sid()).build());
        if (citizen != null) {
            families.end(citizen, used.sid(), "refresh_reuse", clientId);
        }
        return new Outcome(null, "The refresh token was already used; the session has been revoked.");
    }

    /**
     * The access token is a JWT we just signed; its jti is not exposed by OAuth2AccessToken, so it is read from the
     * payload. With the JDK's Base64 decoder: Nimbus's own ({@code SignedJWT.getJWTClaimsSet}) is constant-time,
     * which a token we made ourselves does not need, and cost ~6 % of identity's CPU per refresh under load.
     */
    static String jti(OAuth2AccessTokenAuthenticationToken tokens) {
        String value = tokens.getAccessToken().getTokenValue();
        int first = value.indexOf('.');
        int second = value.indexOf('.', first + 1);
        if (first < 0 || second < 0) {
            return null;
        }
        try {
            byte[] payload = java.util.Base64.getUrlDecoder().decode(value.substring(first + 1, second));
            Object jti = com.nimbusds.jose.util.JSONObjectUtils
                    .parse(new String(payload, java.nio.charset.StandardCharsets.UTF_8)).get("jti");
            return jti instanceof String id ? id : null;
        } catch (IllegalArgumentException | java.text.ParseException e) {
            return null;
        }
    }

    private static OAuth2AuthenticationException refusal(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, description, null));
    }
}
