-- The auditor's views over the log (audit.views.AuditViews): a client's events other than token uses (issued and
-- exchanged tokens, revocations), newest first, without walking past every use of the citizen app's tokens; and a
-- client's live sessions.
CREATE INDEX audit_entry_client_events ON audit_entry (client_id, seq)
    WHERE client_id IS NOT NULL AND kind <> 'token_used';
CREATE INDEX citizen_session_client_live ON citizen_session (client_id) WHERE ended_at IS NULL;
