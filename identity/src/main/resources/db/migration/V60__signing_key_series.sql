-- Two series of signing keys (docs/adr/0006-token-signing-algorithm.md): EdDSA (Ed25519) for access and ID tokens,
-- PS256 (RSA 2048) for token-exchange assertions to agencies. The algorithm names the series; generations count
-- within a series, so the unique index that lets exactly one of concurrent rotations win (V50) is per algorithm.
-- Existing PS256 keys stay generation 1, 2, ... of the PS256 series; the first start after this migration stores
-- generation 1 of the EdDSA series (org.civicstack.identity.keys.KeyRotation#ensureKeys).
DROP INDEX signing_key_generation;
CREATE UNIQUE INDEX signing_key_series_generation ON signing_key (algorithm, generation);
