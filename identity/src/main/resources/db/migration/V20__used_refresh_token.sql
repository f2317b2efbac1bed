-- Refresh tokens of the citizen app that were already exchanged (org.civicstack.identity.session.UsedRefreshTokens).
-- Rotation gives a new refresh token on every refresh; presenting an old one again is reuse and revokes the whole
-- token family (the session). Only a keyed fingerprint (HMAC-SHA256) is kept, never the token, and only as long as
-- the token would have lived (purged after expires_at).
CREATE TABLE used_refresh_token (
    token_hash bytea       PRIMARY KEY,
    sid        uuid        NOT NULL,
    client_id  text        NOT NULL,
    used_at    timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE INDEX used_refresh_token_expiry ON used_refresh_token (expires_at);
