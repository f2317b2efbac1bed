-- The auditor's and the citizen's views over the log (audit.views.AuditViews): a citizen's or a client's events
-- other than token uses (sign-ins, issued and exchanged tokens, revocations), newest first, without walking past
-- every use at the gateway. Only non-use entries pay for these two indexes, a small share of the log.
CREATE INDEX audit_entry_citizen_events ON audit_entry (citizen_id, seq)
    WHERE citizen_id IS NOT NULL AND kind <> 'token_used';
CREATE INDEX audit_entry_client_events ON audit_entry (client_id, seq)
    WHERE client_id IS NOT NULL AND kind <> 'token_used';
-- A client's live sessions (the auditor's "what is active for this client").
CREATE INDEX citizen_session_client_live ON citizen_session (client_id) WHERE ended_at IS NULL;
