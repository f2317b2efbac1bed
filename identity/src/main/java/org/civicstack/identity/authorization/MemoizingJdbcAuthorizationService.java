package org.civicstack.identity.authorization;

import org.civicstack.identity.jdbc.TransactionMemo;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The library's JDBC store, reading each stored authorization once per transaction ({@link TransactionMemo}). A
 * refresh used to read the same row three times, each a query and a parse of its JSON: by the refresh token (the
 * rotation rules), again by the token (the library's refresh provider) and by id (the library's {@code save}, to
 * choose between insert and update). Within one transaction every later read is the first one's result; a save or
 * remove through this store replaces or forgets it, and every write of {@code oauth2_authorization} goes through it.
 */
final class MemoizingJdbcAuthorizationService extends JdbcOAuth2AuthorizationService {

    private record ById(String id) {
    }

    private record ByToken(String token, String type) {
    }

    MemoizingJdbcAuthorizationService(JdbcOperations jdbc, RegisteredClientRepository clients) {
        super(jdbc, clients);
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
        super.save(authorization); // its existence check is findById above: the row read already, when it was
        TransactionMemo.forgetAll(ByToken.class); // the tokens it held may have changed (rotation)
        TransactionMemo.put(new ById(authorization.getId()), authorization);
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        super.remove(authorization);
        TransactionMemo.forgetAll(ByToken.class);
        TransactionMemo.forget(new ById(authorization.getId()));
    }
}
