package org.civicstack.identity.exchange;

import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.civicstack.identity.assurance.AssuranceLevels;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.clients.AgencyId;
import org.civicstack.identity.clients.ClientType;
import org.civicstack.identity.clients.PlatformClientSettings;
import org.civicstack.identity.clients.PlatformScope;
import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.login.CitizenLoginPrincipal;
import org.civicstack.identity.login.CitizenLoginPrincipal.LoginFacts;
import org.civicstack.identity.pairwise.PairwiseSubjects;
import org.civicstack.identity.session.CitizenSession;
import org.civicstack.identity.session.CitizenSessions;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jose.jws.JwsAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * RFC 8693 token exchange for the gateway, replacing Spring Authorization Server's generic provider so that the
 * output is exactly the platform's contract: the gateway (a platform client holding {@code identity:token-exchange})
 * presents a citizen's access token and names the target service ({@code audience=urn:civicstack:service:<code>})
 * and its agency ({@code resource=urn:civicstack:agency:<agy_…>}); identity answers a short-lived assertion for that
 * service in which the citizen is the agency's pairwise subject and the gateway the actor.
 *
 * <p>The subject token is looked up in the authorization service by value, so only a token identity issued and
 * still holds is accepted; it must be an active access token (not expired, not revoked) of a citizen login whose
 * session has not ended, for an active citizen. The assertion carries no {@code sid} and no internal id (either
 * would let agencies correlate a citizen), is not stored (it is not introspectable or revocable; it lives at most
 * {@link TokenExchangeProperties#assertionTtl()}), and is recorded as a {@code token_exchanged} event.
 */
public final class GatewayTokenExchangeProvider implements AuthenticationProvider {

    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    public static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    public static final String AGENCY_RESOURCE_PREFIX = "urn:civicstack:agency:";
    /** The additional response parameter that marks an exchange response for {@link TokenExchangeResponseHandler}. */
    public static final String ISSUED_TOKEN_TYPE = "issued_token_type";

    private final OAuth2AuthorizationService authorizations;
    private final CitizenSessions sessions;
    private final CitizenAccounts citizens;
    private final AssuranceLevels levels;
    private final PairwiseSubjects pairwise;
    private final JwtEncoder encoder;
    private final JwsAlgorithm algorithm;
    private final TokenEvents events;
    private final TokenExchangeProperties properties;
    private final String issuer;
    private final Clock clock;

    public GatewayTokenExchangeProvider(OAuth2AuthorizationService authorizations, CitizenSessions sessions,
            CitizenAccounts citizens, AssuranceLevels levels, PairwiseSubjects pairwise, JwtEncoder encoder,
            JwsAlgorithm algorithm, TokenEvents events, TokenExchangeProperties properties, String issuer,
            Clock clock) {
        this.authorizations = authorizations;
        this.sessions = sessions;
        this.citizens = citizens;
        this.levels = levels;
        this.pairwise = pairwise;
        this.encoder = encoder;
        this.algorithm = algorithm;
        this.events = events;
        this.properties = properties;
        this.issuer = issuer;
        this.clock = clock;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2TokenExchangeAuthenticationToken.class.isAssignableFrom(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        OAuth2TokenExchangeAuthenticationToken request = (OAuth2TokenExchangeAuthenticationToken) authentication;
        OAuth2ClientAuthenticationToken clientPrincipal = authenticatedClient(request);
        RegisteredClient gateway = clientPrincipal.getRegisteredClient();
        if (gateway == null || PlatformClientSettings.clientType(gateway).orElse(null) != ClientType.PLATFORM
                || !gateway.getScopes().contains(PlatformScope.IDENTITY_TOKEN_EXCHANGE.value())) {
            throw error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
                    "Only platform clients holding identity:token-exchange may exchange tokens.");
        }
        if (!ACCESS_TOKEN_TYPE.equals(request.getSubjectTokenType())) {
            throw error(OAuth2ErrorCodes.INVALID_REQUEST, "subject_token_type must be " + ACCESS_TOKEN_TYPE + ".");
        }
        if (request.getActorToken() != null) {
            throw error(OAuth2ErrorCodes.INVALID_REQUEST, "actor_token is not supported; the client is the actor.");
        }
        String requestedType = request.getRequestedTokenType();
        if (requestedType != null && !ACCESS_TOKEN_TYPE.equals(requestedType) && !JWT_TOKEN_TYPE.equals(requestedType)) {
            throw error(OAuth2ErrorCodes.INVALID_REQUEST, "requested_token_type must be " + JWT_TOKEN_TYPE + ".");
        }
        ServiceCode service = single(request.getAudiences()).flatMap(ServiceCode::fromAudience)
                .orElseThrow(() -> error("invalid_target",
                        "audience must be exactly one urn:civicstack:service:<service code>."));
        AgencyId agency = single(request.getResources()).flatMap(GatewayTokenExchangeProvider::agencyOf)
                .orElseThrow(() -> error("invalid_target", "resource must be exactly one urn:civicstack:agency:<agency id>."));

        OAuth2Authorization authorization = authorizations.findByToken(request.getSubjectToken(),
                OAuth2TokenType.ACCESS_TOKEN);
        OAuth2Authorization.Token<OAuth2AccessToken> subjectToken = authorization == null ? null
                : authorization.getAccessToken();
        if (subjectToken == null || !subjectToken.isActive()
                || !request.getSubjectToken().equals(subjectToken.getToken().getTokenValue())) {
            throw invalidGrant();
        }
        LoginFacts login = CitizenLoginPrincipal.read(authorization.getAttribute(Principal.class.getName()))
                .orElseThrow(GatewayTokenExchangeProvider::invalidGrant);
        if (!sessions.find(login.sid()).map(CitizenSession::live).orElse(false) || !citizens.isActive(login.citizen())) {
            throw invalidGrant();
        }

        Set<String> tokenScopes = new TreeSet<>(subjectToken.getToken().getScopes());
        Set<String> scopes = tokenScopes;
        if (request.getScopes() != null && !request.getScopes().isEmpty()) {
            if (!tokenScopes.containsAll(request.getScopes())) {
                throw error(OAuth2ErrorCodes.INVALID_SCOPE, "scope must be a subset of the subject token's scope.");
            }
            scopes = new TreeSet<>(request.getScopes());
        }
        Map<String, Object> subjectClaims = subjectToken.getClaims() == null ? Map.of() : subjectToken.getClaims();

        Instant now = clock.instant();
        Instant expiresAt = now.plus(properties.assertionTtl());
        Instant subjectExpiry = subjectToken.getToken().getExpiresAt();
        if (subjectExpiry != null && subjectExpiry.isBefore(expiresAt)) {
            expiresAt = subjectExpiry;
        }
        String jti = UUID.randomUUID().toString();
        String subject = pairwise.subjectFor(login.citizen(), agency);
        Object acr = subjectClaims.getOrDefault("acr", levels.currentLevel(login.citizen()).acr());
        Object amr = subjectClaims.getOrDefault("amr", login.amr());
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(issuer)
                .audience(List.of(service.audience()))
                .subject(subject)
                .issuedAt(now)
                .expiresAt(expiresAt)
                .id(jti)
                .claim("acr", acr)
                .claim("amr", amr)
                .claim("auth_time", login.authTime().getEpochSecond())
                .claim("act", Map.of("sub", gateway.getClientId()));
        if (!scopes.isEmpty()) {
            claims.claim("scope", String.join(" ", scopes));
        }
        JwsHeader header = JwsHeader.with(algorithm).type("at+jwt").build();
        Jwt assertion = encoder.encode(JwtEncoderParameters.from(header, claims.build()));

        events.record(TokenEvent.of(TokenEventType.TOKEN_EXCHANGED)
                .client(gateway.getClientId())
                .citizen(login.citizen())
                .session(login.sid())
                .jti(jti)
                .detail("subject_jti", subjectClaims.get("jti"))
                .detail("service", service.value())
                .detail("agency_id", agency.value())
                .detail("acr", acr)
                .detail("expires_at", expiresAt)
                .build());

        OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, assertion.getTokenValue(),
                now, expiresAt, new LinkedHashSet<>(scopes));
        return new OAuth2AccessTokenAuthenticationToken(gateway, clientPrincipal, token, null,
                Map.of(ISSUED_TOKEN_TYPE, JWT_TOKEN_TYPE));
    }

    private static OAuth2ClientAuthenticationToken authenticatedClient(Authentication request) {
        if (request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client && client.isAuthenticated()) {
            return client;
        }
        throw error(OAuth2ErrorCodes.INVALID_CLIENT, null);
    }

    private static Optional<String> single(Set<String> values) {
        return values != null && values.size() == 1 ? Optional.of(values.iterator().next()) : Optional.empty();
    }

    static Optional<AgencyId> agencyOf(String resource) {
        if (resource == null || !resource.startsWith(AGENCY_RESOURCE_PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new AgencyId(resource.substring(AGENCY_RESOURCE_PREFIX.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The same answer for an unknown, expired, revoked or non-citizen token: nothing to tell them apart by. */
    private static OAuth2AuthenticationException invalidGrant() {
        return error(OAuth2ErrorCodes.INVALID_GRANT, "The subject token is not a live citizen access token.");
    }

    private static OAuth2AuthenticationException error(String code, String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(Objects.requireNonNull(code), description, null));
    }
}
