-- The audit log's search columns for citizens, sessions and tokens hold UUIDs (identity's citizen ids, session ids
-- and jtis are UUIDs), and sessions and tokens are looked up by equality only: 16-byte keys, and hash indexes for
-- sid and jti (one bucket page per insert instead of a descent of a b-tree keyed by random values), nearly double
-- the log's append rate (bench/audit-append, docs/audit-log.md). A session's or a token's entries are few enough to
-- sort; a citizen's keep their (citizen_id, seq) b-tree, read a page at a time. A value that is not a UUID (e.g. a
-- client's own subject) stays in the entry's body, which is what is hashed and verified; its search column is null.
DROP INDEX audit_entry_citizen;
DROP INDEX audit_entry_sid;
DROP INDEX audit_entry_jti;
ALTER TABLE audit_entry
    ALTER COLUMN citizen_id TYPE uuid USING (CASE WHEN citizen_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN citizen_id::uuid END),
    ALTER COLUMN sid TYPE uuid USING (CASE WHEN sid ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN sid::uuid END),
    ALTER COLUMN jti TYPE uuid USING (CASE WHEN jti ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN jti::uuid END);
CREATE INDEX audit_entry_citizen ON audit_entry (citizen_id, seq) WHERE citizen_id IS NOT NULL;
CREATE INDEX audit_entry_sid ON audit_entry USING hash (sid) WHERE sid IS NOT NULL;
CREATE INDEX audit_entry_jti ON audit_entry USING hash (jti) WHERE jti IS NOT NULL;
