-- Token uses at the gateway (kind token_used), the bulk of the audit log, stored a batch per row instead of a row
-- each (audit.log.UseBatches; docs/audit-log.md). The log itself does not change: every use keeps its own index,
-- canonical text, leaf hash and chain hash, so proofs, checkpoints and the offline verifier are the same. What
-- changes is what PostgreSQL writes per use: a row per use cost a heap tuple and five index entries (~10-14 us of
-- PostgreSQL CPU per use, the floor of bench/audit-under-dispatch); a batch row costs one tuple and, per batch, an
-- entry per distinct token, client and service in GIN indexes. Entries other than uses stay in audit_entry.
--
-- A batch holds the uses [first_seq, first_seq + n): their canonical texts in index order, each ended by a newline
-- (canonical JSON has none inside), as UTF-8; their leaf hashes and their chain hashes, 32 bytes each (as a row per
-- entry stores them: reordering or cutting uses inside a row breaks the chain where it happened). at_first/at_last bound their
-- times; jtis, clients and services list the distinct values of the uses, for finding the batches a search needs
-- (the uses inside are then checked exactly). Retention empties bodies (as audit_entry's body), keeping the hashes.
CREATE TABLE audit_use_batch (
    first_seq    bigint      PRIMARY KEY,
    n            integer     NOT NULL CHECK (n > 0),
    at_first     timestamptz NOT NULL,
    at_last      timestamptz NOT NULL,
    bodies       bytea,
    leaf_hashes  bytea       NOT NULL CHECK (length(leaf_hashes) = 32 * n),
    chain_hashes bytea       NOT NULL CHECK (length(chain_hashes) = 32 * n),
    jtis         uuid[]      NOT NULL,
    clients      text[]      NOT NULL,
    services     text[]      NOT NULL
);
CREATE INDEX audit_use_batch_jtis ON audit_use_batch USING gin (jtis);
CREATE INDEX audit_use_batch_clients ON audit_use_batch USING gin (clients);
CREATE INDEX audit_use_batch_services ON audit_use_batch USING gin (services);
CREATE INDEX audit_use_batch_at ON audit_use_batch USING brin (at_first);

-- lz4 where the server has it (fast; JSON compresses ~4x), else PostgreSQL's default compression.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        EXECUTE 'ALTER TABLE audit_use_batch ALTER COLUMN bodies SET COMPRESSION lz4';
    END IF;
END $$;

-- The gateway batches (stream entries) whose uses are stored: delivery is at least once, and a use has no row of its
-- own whose event_id index would refuse it twice, so a redelivered batch is recognised by its source id (the event
-- id of its uses with the record index cleared; audit.log.UseBatches#source).
CREATE TABLE audit_use_source (
    source       uuid        PRIMARY KEY,
    first_seq    bigint      NOT NULL
);

CREATE FUNCTION audit_use_batch_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('civicstack.audit_retention', true) = 'on'
            AND NEW.first_seq = OLD.first_seq AND NEW.n = OLD.n AND NEW.leaf_hashes = OLD.leaf_hashes
            AND NEW.chain_hashes = OLD.chain_hashes AND NEW.bodies IS NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_use_batch is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_use_batch_append_only BEFORE UPDATE OR DELETE ON audit_use_batch
    FOR EACH ROW EXECUTE FUNCTION audit_use_batch_append_only();
CREATE FUNCTION audit_use_source_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_use_source is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_use_source_append_only BEFORE UPDATE OR DELETE ON audit_use_source
    FOR EACH ROW EXECUTE FUNCTION audit_use_source_append_only();

-- Every entry of the log, one row each, whichever table holds it: for operators' ad-hoc queries and for tests (the
-- services read the tables through audit.log.AuditSearch and UseBatches, which use the indexes). The search columns
-- are text here; a use's come from its canonical text (null once retention emptied it).
CREATE VIEW audit_log AS
SELECT seq, event_id::text AS event_id, at, kind, citizen_id::text AS citizen_id, client_id, agency_id,
       sid::text AS sid, jti::text AS jti, service, body, leaf_hash, chain_hash
FROM audit_entry
UNION ALL
SELECT b.first_seq + u.i - 1, u.j ->> 'event_id', (u.j ->> 'at')::timestamptz, coalesce(u.j ->> 'kind', 'token_used'),
       u.j ->> 'citizen_id', u.j ->> 'client_id', u.j ->> 'agency_id', u.j ->> 'sid', u.j ->> 'jti', u.j ->> 'service',
       u.body, substring(b.leaf_hashes FROM (u.i::int - 1) * 32 + 1 FOR 32),
       substring(b.chain_hashes FROM (u.i::int - 1) * 32 + 1 FOR 32)
FROM audit_use_batch b
CROSS JOIN LATERAL (
    SELECT t.body, t.i, t.body::jsonb AS j
    FROM unnest(coalesce(string_to_array(rtrim(convert_from(b.bodies, 'UTF8'), E'\n'), E'\n'),
                         array_fill(NULL::text, ARRAY[b.n]))) WITH ORDINALITY AS t(body, i)
) u;
