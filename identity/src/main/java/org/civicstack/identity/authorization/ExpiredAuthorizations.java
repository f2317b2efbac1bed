package org.civicstack.identity.authorization;

import java.time.Duration;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deletes stored authorizations ({@code oauth2_authorization}) none of whose tokens can be used any more: every
 * token they hold expired more than {@link #GRACE} ago. Without it the table kept a row for every login and every
 * abandoned authorization request for ever. A deleted row changes no answer: its tokens are refused as expired
 * before and as unknown after (introspection: inactive; refresh: {@code invalid_grant}; revocation: 200), and reuse
 * of a rotated-out refresh token is recognised from {@code used_refresh_token}, not from this table. A row with a
 * token without an expiry, or with no token at all (an authorization request), is kept.
 */
public final class ExpiredAuthorizations {

    /** How long after its last token expired a row is kept (clock skew between instances, in-flight requests). */
    static final Duration GRACE = Duration.ofHours(1);

    /** Rows deleted per statement, so a large backlog never holds many row locks at once. */
    static final int BATCH = 1000;

    /** When the row's last token expires; V82 indexes exactly this expression. */
    static final String LAST_EXPIRY = "GREATEST(authorization_code_expires_at, access_token_expires_at, "
            + "oidc_id_token_expires_at, refresh_token_expires_at, user_code_expires_at, device_code_expires_at)";

    private static final String DELETE_BATCH = "DELETE FROM oauth2_authorization WHERE id IN ("
            + "SELECT id FROM oauth2_authorization WHERE " + LAST_EXPIRY + " < now() - make_interval(secs => ?) "
            + "AND (authorization_code_value IS NULL OR authorization_code_expires_at IS NOT NULL) "
            + "AND (access_token_value IS NULL OR access_token_expires_at IS NOT NULL) "
            + "AND (oidc_id_token_value IS NULL OR oidc_id_token_expires_at IS NOT NULL) "
            + "AND (refresh_token_value IS NULL OR refresh_token_expires_at IS NOT NULL) "
            + "LIMIT ? FOR UPDATE SKIP LOCKED)";

    private final JdbcTemplate jdbc;

    public ExpiredAuthorizations(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Deletes every such row, a batch per statement (rows in use by a transaction are left for the next round). */
    public int purge() {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update(DELETE_BATCH, GRACE.toSeconds(), BATCH);
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }
}
