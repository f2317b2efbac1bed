package org.civicstack.identity.authorization;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every call of the stored-authorization service in one transaction, i.e. on one connection.
 *
 * <p>Why: {@code JdbcOAuth2AuthorizationService} maps each row while its query still holds a connection, and the
 * mapping looks the authorization's client up ({@code RegisteredClientRepository.findById}), which outside a
 * transaction takes a <em>second</em> connection from the pool. With as many concurrent lookups as the pool has
 * connections (refresh, code redemption, introspection, revocation all start with one) every request holds one
 * connection and waits for another: identity stalls until the pool's timeout and then answers 500 to everyone.
 * Measured with {@code bench/identity-tokens/run.sh}: 32 concurrent refreshes against the default pool of 10
 * stopped identity for 30 s. Inside a transaction the nested lookup reuses the bound connection; calls that already
 * run in one (refresh rotation, family revocation) simply join it.
 */
final class TransactionalAuthorizationService implements OAuth2AuthorizationService {

    private final OAuth2AuthorizationService delegate;
    private final TransactionTemplate transaction;

    TransactionalAuthorizationService(OAuth2AuthorizationService delegate, TransactionTemplate transaction) {
        this.delegate = delegate;
        this.transaction = transaction;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        transaction.executeWithoutResult(status -> delegate.save(authorization));
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        transaction.executeWithoutResult(status -> delegate.remove(authorization));
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return transaction.execute(status -> delegate.findById(id));
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return transaction.execute(status -> delegate.findByToken(token, tokenType));
    }
}
