package org.civicstack.identity.authorization;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.civicstack.identity.assurance.AssuranceLevels;
import org.civicstack.identity.jdbc.TransactionMemo;
import org.civicstack.identity.login.CitizenLoginPrincipal;
import org.civicstack.identity.login.CitizenLoginPrincipal.LoginFacts;
import org.civicstack.platform.security.AccessTokenType;
import org.civicstack.identity.clients.AgencyId;
import org.civicstack.identity.clients.ClientType;
import org.civicstack.identity.clients.PlatformClientSettings;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jose.jws.JwsAlgorithm;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Shapes every access token the platform issues. Resource servers may rely on:
 * <ul>
 *   <li>the JWS algorithm of the token key series (EdDSA, package keys), its {@code kid} and {@code typ: at+jwt} (RFC 9068) in
 *       the header;</li>
 *   <li>{@code iss} = the configured issuer, {@code aud} = the configured audience (only that one),
 *       {@code sub} = {@code client_id} = the client's id, {@code iat}, {@code nbf}, {@code exp}, {@code jti};</li>
 *   <li>{@code scope}: the granted scopes as one space-separated string (RFC 9068 §2.2.3), absent if none;</li>
 *   <li>{@code client_type}: {@code agency}, {@code operator} or {@code platform};</li>
 *   <li>{@code agency_id}: for agency clients whose agency is known.</li>
 * </ul>
 * A client registered without a client type gets no token at all ({@code unauthorized_client}).
 *
 * <p>A citizen token (issued to the {@code citizen_app} client for a {@link CitizenLoginPrincipal}) has
 * {@code sub} = the citizen id, {@code client_type: citizen_app}, and the login facts {@code acr} (the citizen's
 * level <em>at issuance</em>, so a refresh after a raise carries the new level), {@code amr}, {@code auth_time}
 * and {@code sid}. The citizen's ID token carries the same {@code acr}, {@code amr}, {@code auth_time} and
 * {@code sid} (SAS adds {@code nonce}). docs/identity-sessions.md has the table.
 */
public final class AccessTokenClaimsCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_TYPE = "client_type";
    public static final String AGENCY_ID = "agency_id";
    public static final String SCOPE = "scope";
    public static final String ACR = "acr";
    public static final String AMR = "amr";
    public static final String AUTH_TIME = "auth_time";
    public static final String SID = "sid";

    private static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType(OidcParameterNames.ID_TOKEN);


    private final String audience;
    private final JwsAlgorithm algorithm;
    private final AssuranceLevels levels;

    public AccessTokenClaimsCustomizer(String audience, JwsAlgorithm algorithm, AssuranceLevels levels) {
        this.audience = audience;
        this.algorithm = algorithm;
        this.levels = levels;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        if (ID_TOKEN.equals(context.getTokenType())) {
            context.getJwsHeader().algorithm(algorithm);
            citizen(context).ifPresent(login -> context.getClaims()
                    .subject(login.citizen().toString())
                    .claims(claims -> putLoginFacts(claims, login)));
            return;
        }
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return;
        }
        RegisteredClient client = context.getRegisteredClient();
        ClientType type = PlatformClientSettings.clientType(client).orElseThrow(() -> new OAuth2AuthenticationException(
                new OAuth2Error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
                        "The client is not registered for the platform APIs.", null)));
        Optional<LoginFacts> citizen = citizen(context);
        if (type == ClientType.CITIZEN_APP && citizen.isEmpty()) {
            // the app only ever acts for a citizen; a token without one would be a client token nobody expects
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
                    "The citizen app gets tokens for a signed-in citizen only.", null));
        }
        context.getJwsHeader().algorithm(algorithm).type(AccessTokenType.AT_JWT);
        citizen.ifPresent(login -> context.getClaims()
                .subject(login.citizen().toString())
                .claims(claims -> putLoginFacts(claims, login)));
        Set<String> scopes = new TreeSet<>(context.getAuthorizedScopes());
        context.getClaims()
                // mutable lists only: SAS reads these claims back from JSON with an allow-list (List.of is refused)
                .audience(new java.util.ArrayList<>(List.of(audience)))
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

    private static Optional<LoginFacts> citizen(JwtEncodingContext context) {
        return CitizenLoginPrincipal.read(context.getPrincipal());
    }

    private void putLoginFacts(java.util.Map<String, Object> claims, LoginFacts login) {
        // read once per token request: its access and ID tokens carry the same level
        claims.put(ACR, TransactionMemo.get(new CurrentLevel(login.citizen()),
                key -> levels.currentLevel(key.citizen())).acr());
        // a plain ArrayList: SAS stores the claims as JSON with an allow-list of types (no List.of / List.copyOf)
        claims.put(AMR, new java.util.ArrayList<>(login.amr()));
        // a Date: allowed by the stored-claims allow-list (Long is not), written as epoch seconds by Nimbus
        claims.put(AUTH_TIME, java.util.Date.from(login.authTime()));
        claims.put(SID, login.sid().toString());
    }

    /** The memo key of a citizen's level within one token request. */
    private record CurrentLevel(org.civicstack.identity.citizen.CitizenId citizen) {
    }
}
