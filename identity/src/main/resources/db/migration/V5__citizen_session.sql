-- Citizen login sessions (org.civicstack.identity.session). A session starts when a citizen completes a login on
-- the hosted page and is the `sid` of every token descended from that login (the token family): ending it, or a
-- refresh-token reuse, revokes all of them. Rows are kept after the end for the audit trail.
CREATE TABLE citizen_session (
    sid            uuid        PRIMARY KEY,
    citizen_id     uuid        NOT NULL REFERENCES citizen (id),
    client_id      text,
    amr            text[]      NOT NULL,
    auth_time      timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_active_at timestamptz NOT NULL DEFAULT now(),
    user_agent     text,
    ended_at       timestamptz,
    end_reason     text CHECK (end_reason IN ('citizen_ended', 'refresh_reuse', 'revoked', 'expired'))
);

CREATE INDEX citizen_session_live ON citizen_session (citizen_id) WHERE ended_at IS NULL;
