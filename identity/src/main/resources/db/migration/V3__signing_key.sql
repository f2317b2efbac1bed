-- Token signing keys of the authorization server (org.civicstack.identity.keys). Persisted so that tokens stay
-- verifiable across restarts and every identity instance signs with the same key.
--
-- The private key is never stored in the clear: private_key_ciphertext is AES-256-GCM over the PKCS#8 encoding,
-- with a key derived from civicstack.identity.key-encryption-secret and encryption_salt (see encryption_scheme);
-- the kid is bound as additional authenticated data, so a ciphertext cannot be moved to another row.
CREATE TABLE signing_key (
    kid                    text        PRIMARY KEY,
    algorithm              text        NOT NULL,
    public_jwk             jsonb       NOT NULL,
    private_key_ciphertext bytea       NOT NULL,
    encryption_salt        bytea       NOT NULL,
    encryption_scheme      text        NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    active                 boolean     NOT NULL DEFAULT true
);

-- At most one active key: concurrent first starts race on this index (INSERT ... ON CONFLICT DO NOTHING) and
-- every loser adopts the winner's key.
CREATE UNIQUE INDEX signing_key_single_active ON signing_key (active) WHERE active;
