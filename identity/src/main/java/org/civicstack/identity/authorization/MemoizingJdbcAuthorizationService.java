package org.civicstack.identity.authorization;

import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.civicstack.identity.jdbc.TransactionMemo;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The library's JDBC store, reading each stored authorization once per transaction ({@link TransactionMemo}). A
 * refresh used to read the same row three times, each a query and a parse of its JSON: by the refresh token (the
 * rotation rules), again by the token (the library's refresh provider) and by id (the library's {@code save}, to
 * choose between insert and update). Within one transaction every later read is the first one's result; a save or
 * remove through this store replaces or forgets it, and every write of {@code oauth2_authorization} goes through it.
 *
 * <p>Saving an authorization read in the same transaction writes only the tokens that changed. The library's
 * update rewrites all 32 columns, among them the ~4 KB {@code attributes} JSON (the principal and the authorization
 * request, written once at login), serialised and sent again on every refresh. (Measured: no change in refreshes
 * per second — PostgreSQL writes a new row version with all its index entries either way; bench/identity-tokens.) Here a token counts as changed when the saved authorization
 * holds another {@code Token} object for it than the one read (the library's builder copies unchanged tokens by
 * reference and makes a new one for every issued or invalidated token), and the columns of each changed token are
 * the library's own values ({@code JsonMapperOAuth2AuthorizationParametersMapper}), so what is stored is what the
 * library's update would store. Anything else that differs — client, principal, grant type, scopes or any
 * attribute — or an authorization not read in this transaction takes the library's whole-row update.
 */
final class MemoizingJdbcAuthorizationService extends JdbcOAuth2AuthorizationService {

    private record ById(String id) {
    }

    private record ByToken(String token, String type) {
    }

    /** The token kinds of a stored authorization, each with its columns (in the library's column order). */
    private enum TokenColumns {
        AUTHORIZATION_CODE(OAuth2AuthorizationCode.class, 7, "authorization_code"),
        ACCESS_TOKEN(OAuth2AccessToken.class, 11, "access_token", "access_token_type", "access_token_scopes"),
        OIDC_ID_TOKEN(OidcIdToken.class, 17, "oidc_id_token"),
        REFRESH_TOKEN(OAuth2RefreshToken.class, 21, "refresh_token"),
        USER_CODE(OAuth2UserCode.class, 25, "user_code"),
        DEVICE_CODE(OAuth2DeviceCode.class, 29, "device_code");

        final Class<? extends OAuth2Token> type;
        /** Where its value parameter is in the library's parameter list (id first, then the columns in order). */
        final int firstParameter;
        final List<String> columns;

        TokenColumns(Class<? extends OAuth2Token> type, int firstParameter, String prefix, String... more) {
            this.type = type;
            this.firstParameter = firstParameter;
            List<String> names = new ArrayList<>(List.of(prefix + "_value", prefix + "_issued_at",
                    prefix + "_expires_at", prefix + "_metadata"));
            names.addAll(List.of(more));
            this.columns = List.copyOf(names);
        }
    }

    /** The library's parameter list: the id, then its 32 columns. */
    private static final int LIBRARY_PARAMETERS = 33;

    private final JdbcOperations jdbc;
    private final JsonMapperOAuth2AuthorizationParametersMapper parameters =
            new JsonMapperOAuth2AuthorizationParametersMapper();
    /** The UPDATE for each set of changed token kinds (a bit per {@link TokenColumns} ordinal). */
    private final Map<Integer, String> updates = new ConcurrentHashMap<>();

    MemoizingJdbcAuthorizationService(JdbcOperations jdbc, RegisteredClientRepository clients) {
        super(jdbc, clients);
        this.jdbc = jdbc;
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return TransactionMemo.get(new ById(id), key -> super.findById(key.id()));
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        OAuth2Authorization found = TransactionMemo.get(
                new ByToken(token, tokenType == null ? null : tokenType.getValue()),
                key -> super.findByToken(token, tokenType));
        if (found != null) {
            TransactionMemo.put(new ById(found.getId()), found);
        }
        return found;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        OAuth2Authorization stored = authorization.getId() == null ? null : TransactionMemo.get(
                new ById(authorization.getId()), key -> null); // only what this transaction read or wrote
        if (stored == null || !updateChangedTokens(stored, authorization)) {
            super.save(authorization); // its existence check is findById above: the row read already, when it was
        }
        TransactionMemo.forgetAll(ByToken.class); // the tokens it held may have changed (rotation)
        TransactionMemo.put(new ById(authorization.getId()), authorization);
    }

    /**
     * Writes the columns of the tokens that differ between the stored authorization (as read in this transaction)
     * and the one to save; false when something else differs, for the library's whole-row update.
     */
    private boolean updateChangedTokens(OAuth2Authorization stored, OAuth2Authorization saved) {
        if (!stored.getRegisteredClientId().equals(saved.getRegisteredClientId())
                || !stored.getPrincipalName().equals(saved.getPrincipalName())
                || !stored.getAuthorizationGrantType().equals(saved.getAuthorizationGrantType())
                || !Objects.equals(stored.getAuthorizedScopes(), saved.getAuthorizedScopes())
                || !sameAttributes(stored.getAttributes(), saved.getAttributes())) {
            return false;
        }
        int changed = 0;
        for (TokenColumns kind : TokenColumns.values()) {
            if (stored.getToken(kind.type) != saved.getToken(kind.type)) {
                changed |= 1 << kind.ordinal();
            }
        }
        if (changed == 0) {
            return true; // nothing to write
        }
        // the library's own column values, from a copy without the attributes (not written, so not serialised)
        List<SqlParameterValue> all = parameters.apply(OAuth2Authorization.from(saved).attributes(Map::clear).build());
        if (all.size() != LIBRARY_PARAMETERS) {
            return false; // a library version with other columns: let it write its own row
        }
        List<Object> values = new ArrayList<>();
        for (TokenColumns kind : TokenColumns.values()) {
            if ((changed & 1 << kind.ordinal()) != 0) {
                for (SqlParameterValue value : all.subList(kind.firstParameter,
                        kind.firstParameter + kind.columns.size())) {
                    if (value.getSqlType() == Types.BLOB || value.getSqlType() == Types.CLOB) {
                        return false; // large-object columns (not our schema): the library's LOB handling
                    }
                    values.add(value);
                }
            }
        }
        values.add(all.get(0)); // the id
        String sql = updates.computeIfAbsent(changed, MemoizingJdbcAuthorizationService::updateOf);
        return jdbc.update(sql, new ArgumentPreparedStatementSetter(values.toArray())) == 1;
    }

    /** Same keys, and each value the very object read (the builder copies them by reference). */
    private static boolean sameAttributes(Map<String, Object> stored, Map<String, Object> saved) {
        if (stored.size() != saved.size()) {
            return false;
        }
        for (Map.Entry<String, Object> attribute : stored.entrySet()) {
            if (saved.get(attribute.getKey()) != attribute.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String updateOf(int changed) {
        List<String> assignments = new ArrayList<>();
        for (TokenColumns kind : TokenColumns.values()) {
            if ((changed & 1 << kind.ordinal()) != 0) {
                kind.columns.forEach(column -> assignments.add(column + " = ?"));
            }
        }
        return "UPDATE oauth2_authorization SET " + String.join(", ", assignments) + " WHERE id = ?";
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        super.remove(authorization);
        TransactionMemo.forgetAll(ByToken.class);
        TransactionMemo.forget(new ById(authorization.getId()));
    }
}
