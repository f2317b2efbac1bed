package org.civicstack.identity.authorization;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A token grant in one database transaction: what it writes (the token's row, its {@code TOKEN_ISSUED} outbox event)
 * commits together, once, or not at all — an event for a token whose row failed to save is not left behind.
 */
final class InOneTransaction implements AuthenticationProvider {

    private final AuthenticationProvider delegate;
    private final TransactionTemplate transaction;

    InOneTransaction(AuthenticationProvider delegate, TransactionTemplate transaction) {
        this.delegate = delegate;
        this.transaction = transaction;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        return transaction.execute(status -> delegate.authenticate(authentication));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return delegate.supports(authentication);
    }
}
