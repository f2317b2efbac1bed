-- SMS one-time login codes (org.civicstack.identity.login). Kept in PostgreSQL rather than Redis: verifying a code
-- takes a row lock, so a code is consumed exactly once even when two requests present it at the same moment, and
-- counting wrong tries, expiry and consumption happen in the same transaction as the account and session writes.
-- The code itself is never stored: only HMAC-SHA256(secret, id || ':' || code). The id is kept in the browser's
-- login session; the mobile number is here because the account is found or created only once the code is right.
CREATE TABLE login_code (
    id              uuid        PRIMARY KEY,
    mobile_e164     text        NOT NULL,
    code_hash       bytea       NOT NULL,
    failed_attempts smallint    NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    consumed_at     timestamptz,
    killed_at       timestamptz,
    kill_reason     text CHECK (kill_reason IN ('too_many_attempts', 'superseded', 'not_delivered'))
);

-- a new code for a number supersedes the live ones of that number
CREATE INDEX login_code_live ON login_code (mobile_e164) WHERE consumed_at IS NULL AND killed_at IS NULL;
CREATE INDEX login_code_expiry ON login_code (expires_at);
