-- The periodic purges find their rows through an index instead of reading the whole table each round:
--   * client-credentials tokens past their lifetime (many rows per second for busy agencies), every 15 min;
--   * stored authorizations whose every token expired (one wide row per citizen login), every 15 min — the
--     expression is ExpiredAuthorizations' own, so the planner matches it;
--   * published outbox events past their retention (every token event), every ~100 s on each instance.
CREATE INDEX client_credentials_token_expires ON client_credentials_token (expires_at);
CREATE INDEX oauth2_authorization_last_expiry ON oauth2_authorization ((GREATEST(authorization_code_expires_at,
    access_token_expires_at, oidc_id_token_expires_at, refresh_token_expires_at, user_code_expires_at,
    device_code_expires_at)));
CREATE INDEX outbox_event_published ON outbox_event (published_at) WHERE published_at IS NOT NULL;
