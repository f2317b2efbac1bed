-- The token audit log (org.civicstack.identity.audit; docs/audit-log.md). Append-only: entries get contiguous
-- indexes from 0; `body` is the entry's canonical JSON text, the exact bytes hashed into the log's hash chain and
-- its RFC 9162 Merkle tree. The other columns are copies of body fields for searching; answers are rendered from
-- body. Retention empties `body` (pruned) but keeps the hashes, so the tree stays verifiable.
CREATE TABLE audit_entry (
    seq         bigint      PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    at          timestamptz NOT NULL,
    kind        text        NOT NULL,
    citizen_id  text,
    client_id   text,
    agency_id   text,
    sid         text,
    jti         text,
    service     text,
    body        text,
    leaf_hash   bytea       NOT NULL,
    chain_hash  bytea       NOT NULL
);

CREATE INDEX audit_entry_citizen ON audit_entry (citizen_id, seq) WHERE citizen_id IS NOT NULL;
CREATE INDEX audit_entry_client ON audit_entry (client_id, seq) WHERE client_id IS NOT NULL;
CREATE INDEX audit_entry_sid ON audit_entry (sid, seq) WHERE sid IS NOT NULL;
CREATE INDEX audit_entry_jti ON audit_entry (jti, seq) WHERE jti IS NOT NULL;
CREATE INDEX audit_entry_service ON audit_entry (service, seq) WHERE service IS NOT NULL;
CREATE INDEX audit_entry_at ON audit_entry USING brin (at);

-- One row: where the log ends. Appenders lock it, so entries are appended by one writer at a time.
CREATE TABLE audit_head (
    id          boolean     PRIMARY KEY DEFAULT true CHECK (id),
    size        bigint      NOT NULL,
    chain_hash  bytea       NOT NULL
);
INSERT INTO audit_head (size, chain_hash) VALUES (0, decode(repeat('00', 32), 'hex'));

-- Hashes of perfect subtrees at levels 8, 16, 24, ... (node idx of level L covers leaves [idx*2^L, (idx+1)*2^L)),
-- so a proof reads at most ~255 hashes per level instead of whole ranges of leaves.
CREATE TABLE audit_tree_node (
    level       smallint    NOT NULL,
    idx         bigint      NOT NULL,
    hash        bytea       NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Signed checkpoints (C2SP tlog-checkpoint in a signed note), one per seal.
CREATE TABLE audit_checkpoint (
    tree_size   bigint      PRIMARY KEY,
    root_hash   bytea       NOT NULL,
    note        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The Ed25519 key checkpoints are signed with; the private half sealed like the token signing keys.
CREATE TABLE audit_log_key (
    name        text        PRIMARY KEY,
    public_key  bytea       NOT NULL,
    sealed_key  bytea       NOT NULL,
    salt        bytea       NOT NULL,
    scheme      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Nothing rewrites or removes the log: only retention may empty a body, and only inside a transaction that set
-- civicstack.audit_retention = 'on' (AuditRetention).
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('civicstack.audit_retention', true) = 'on'
            AND NEW.seq = OLD.seq AND NEW.leaf_hash = OLD.leaf_hash AND NEW.chain_hash = OLD.chain_hash
            AND NEW.body IS NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE FUNCTION audit_checkpoint_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_checkpoint is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only();
