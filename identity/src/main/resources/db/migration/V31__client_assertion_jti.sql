-- private_key_jwt client assertions seen (org.civicstack.identity.clients.assertion): an assertion's `jti` is
-- accepted once per client (RFC 7523 §3, FAPI 2.0). A row lives until the assertion's `exp`; expired rows are
-- purged, since an expired assertion is refused for its `exp` anyway. The primary key makes concurrent replays
-- race on one insert: exactly one wins.
CREATE TABLE client_assertion_jti (
    client_id  text        NOT NULL,
    jti        text        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);

CREATE INDEX client_assertion_jti_expiry ON client_assertion_jti (expires_at);
