package org.civicstack.identity.authorization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.JWTParser;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.util.StringUtils;

/**
 * Client-credentials access tokens as one narrow row each ({@code client_credentials_token}, V80) instead of the
 * library's {@code oauth2_authorization} row: an agency or platform component asks for one every few minutes, a
 * busy one many per second, and each used to cost a ~2.1 KB row with the whole JWT and its claims as JSON, a
 * read of that row's id before the insert, and the JSON written and parsed again.
 *
 * <p>The row keeps what the token does not say about itself: that it was issued here (its SHA-256; never the token),
 * the client, the scopes, its lifetime and whether it was revoked. Looking a token up (introspection, RFC 7009
 * revocation) hashes the presented value; when a row matches, the presented value is byte for byte the JWT identity
 * signed, so its claims are read from it as the library would have stored them. Only what this row can rebuild is
 * kept here ({@link #holds}); anything else goes to the library's store, and tokens stored there before this table
 * existed are still found there.
 */
public final class ClientCredentialsTokens {

    /** The token format's metadata key and value ({@code self-contained}), as the library writes them. */
    private static final String FORMAT_METADATA_NAME = OAuth2TokenFormat.class.getName();
    private static final Set<String> TOKEN_METADATA = Set.of(OAuth2Authorization.Token.CLAIMS_METADATA_NAME,
            OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, FORMAT_METADATA_NAME);
    private static final MappedJwtClaimSetConverter CLAIMS = MappedJwtClaimSetConverter.withDefaults(Map.of());

    private final JdbcTemplate jdbc;
    private final RegisteredClientRepository clients;

    ClientCredentialsTokens(JdbcTemplate jdbc, RegisteredClientRepository clients) {
        this.jdbc = jdbc;
        this.clients = clients;
    }

    /**
     * Whether this store can hold the authorization without losing anything: a client-credentials grant with one
     * self-contained (JWT) access token, no refresh or ID token, no attributes, and no token metadata besides its
     * format, claims and whether it is invalidated.
     */
    static boolean holds(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        return AuthorizationGrantType.CLIENT_CREDENTIALS.equals(authorization.getAuthorizationGrantType())
                && access != null && authorization.getRefreshToken() == null
                && authorization.getAttributes().isEmpty()
                && access.getClaims() != null && !access.getClaims().isEmpty()
                && TOKEN_METADATA.containsAll(access.getMetadata().keySet())
                && OAuth2TokenFormat.SELF_CONTAINED.getValue().equals(access.getMetadata(FORMAT_METADATA_NAME))
                && isCompactJws(access.getToken().getTokenValue())
                && access.getToken().getIssuedAt() != null && access.getToken().getExpiresAt() != null
                && authorization.getToken(OidcIdToken.class) == null;
    }

    /** A JWS in compact serialisation: three parts; refresh tokens and codes (opaque) never have dots. */
    static boolean isCompactJws(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        return first > 0 && second > first + 1 && second < token.length() - 1 && token.indexOf('.', second + 1) < 0;
    }

    /** Stores the token, or records that it was invalidated (the library saves the authorization again). */
    void save(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        OAuth2AccessToken token = access.getToken();
        jdbc.update("INSERT INTO client_credentials_token (token_hash, id, registered_client_id, principal_name, "
                        + "token_type, scopes, issued_at, expires_at, invalidated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (token_hash) DO UPDATE SET invalidated = "
                        + "client_credentials_token.invalidated OR EXCLUDED.invalidated",
                hash(token.getTokenValue()), authorization.getId(), authorization.getRegisteredClientId(),
                authorization.getPrincipalName(), token.getTokenType().getValue(),
                StringUtils.collectionToDelimitedString(authorization.getAuthorizedScopes(), " "),
                Timestamp.from(token.getIssuedAt()), Timestamp.from(token.getExpiresAt()), access.isInvalidated());
    }

    /** True when a row was removed. */
    boolean remove(OAuth2Authorization authorization) {
        return jdbc.update("DELETE FROM client_credentials_token WHERE token_hash = ?",
                hash(authorization.getAccessToken().getToken().getTokenValue())) > 0;
    }

    /** The stored authorization of this access token, or null when it was not issued as a client-credentials one. */
    OAuth2Authorization find(String token) {
        if (!isCompactJws(token)) {
            return null;
        }
        return jdbc.query("SELECT id, registered_client_id, principal_name, token_type, scopes, issued_at, "
                        + "expires_at, invalidated FROM client_credentials_token WHERE token_hash = ?",
                row -> row.next() ? authorization(row, token) : null, hash(token));
    }

    private OAuth2Authorization authorization(ResultSet row, String token) throws SQLException {
        RegisteredClient client = clients.findById(row.getString("registered_client_id"));
        if (client == null) {
            return null; // the client is gone: as if the token had never been issued
        }
        Set<String> scopes = new LinkedHashSet<>(Arrays.asList(
                StringUtils.tokenizeToStringArray(row.getString("scopes"), " ")));
        OAuth2AccessToken accessToken = new OAuth2AccessToken(tokenType(row.getString("token_type")), token,
                row.getTimestamp("issued_at").toInstant(), row.getTimestamp("expires_at").toInstant(), scopes);
        Map<String, Object> claims = claims(token);
        boolean invalidated = row.getBoolean("invalidated");
        return OAuth2Authorization.withRegisteredClient(client)
                .id(row.getString("id"))
                .principalName(row.getString("principal_name"))
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .authorizedScopes(scopes)
                .token(accessToken, metadata -> {
                    metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims);
                    metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, invalidated);
                    metadata.put(FORMAT_METADATA_NAME, OAuth2TokenFormat.SELF_CONTAINED.getValue());
                })
                .build();
    }

    /** The claims as the library kept them: instants for the time claims, a list for {@code aud}. */
    private static Map<String, Object> claims(String token) {
        try {
            return CLAIMS.convert(JWTParser.parse(token).getJWTClaimsSet().getClaims());
        } catch (ParseException e) {
            // the hash matched a token identity signed, so it parsed when it was issued
            throw new IllegalStateException("a stored client-credentials token no longer parses", e);
        }
    }

    private static OAuth2AccessToken.TokenType tokenType(String value) {
        return OAuth2AccessToken.TokenType.DPOP.getValue().equalsIgnoreCase(value) ? OAuth2AccessToken.TokenType.DPOP
                : OAuth2AccessToken.TokenType.BEARER;
    }

    /** Marks every client-credentials token of the client revoked (revocation by client); the count marked. */
    public int invalidateForClient(String registeredClientId) {
        return jdbc.update("UPDATE client_credentials_token SET invalidated = true "
                + "WHERE registered_client_id = ? AND NOT invalidated AND expires_at > now()", registeredClientId);
    }

    /** Deletes the rows of tokens past their lifetime (they are refused as expired anyway); the count deleted. */
    public int purgeExpired() {
        return jdbc.update("DELETE FROM client_credentials_token WHERE expires_at < now()");
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
