-- Revocations (org.civicstack.identity.revocation): the system of record for "refuse these access tokens". Each
-- row is also an outbox event to the Redis stream cs:identity:revocations, which every gateway and reactive
-- resource server reads into its deny-list (docs/revocation.md). A row matters until expires_at, when every
-- access token it can affect has expired; rows are kept afterwards for the audit trail.
CREATE TABLE revocation (
    id          uuid        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('token', 'session', 'citizen', 'client')),
    value       text        NOT NULL,
    revoked_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    actor       text        NOT NULL,
    reason      text        NOT NULL
);

CREATE INDEX revocation_by_value ON revocation (kind, value, expires_at);
