package org.civicstack.identity.authorization;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.civicstack.identity.clients.AgencyId;
import org.civicstack.identity.clients.ClientType;
import org.civicstack.identity.clients.PlatformClientSettings;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Shapes every access token the platform issues. Resource servers may rely on:
 * <ul>
 *   <li>the JWS algorithm of the active signing key (PS256) and its {@code kid} in the header;</li>
 *   <li>{@code iss} = the configured issuer, {@code aud} = the configured audience (only that one),
 *       {@code sub} = {@code client_id} = the client's id, {@code iat}, {@code nbf}, {@code exp}, {@code jti};</li>
 *   <li>{@code scope}: the granted scopes as one space-separated string (RFC 9068 §2.2.3), absent if none;</li>
 *   <li>{@code client_type}: {@code agency}, {@code operator} or {@code platform};</li>
 *   <li>{@code agency_id}: for agency clients whose agency is known.</li>
 * </ul>
 * A client registered without a client type gets no token at all ({@code unauthorized_client}).
 */
public final class AccessTokenClaimsCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_TYPE = "client_type";
    public static final String AGENCY_ID = "agency_id";
    public static final String SCOPE = "scope";

    private final String audience;
    private final SignatureAlgorithm algorithm;

    public AccessTokenClaimsCustomizer(String audience, SignatureAlgorithm algorithm) {
        this.audience = audience;
        this.algorithm = algorithm;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return;
        }
        RegisteredClient client = context.getRegisteredClient();
        ClientType type = PlatformClientSettings.clientType(client).orElseThrow(() -> new OAuth2AuthenticationException(
                new OAuth2Error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
                        "The client is not registered for the platform APIs.", null)));
        context.getJwsHeader().algorithm(algorithm);
        Set<String> scopes = new TreeSet<>(context.getAuthorizedScopes());
        context.getClaims()
                // a mutable list: the authorization service stores the claims as JSON and its allow-list refuses
                // List.of(...) when reading them back (introspection, token exchange)
                .audience(new ArrayList<>(List.of(audience)))
                .claim(CLIENT_ID, client.getClientId())
                .claim(CLIENT_TYPE, type.claimValue())
                .claims(claims -> {
                    claims.remove(SCOPE);
                    if (!scopes.isEmpty()) {
                        claims.put(SCOPE, String.join(" ", scopes));
                    }
                    PlatformClientSettings.agencyId(client).map(AgencyId::value)
                            .ifPresent(agency -> claims.put(AGENCY_ID, agency));
                });
    }
}
