-- Signing key rotation (org.civicstack.identity.keys, docs/identity-keys.md). Keys form a sequence of generations:
-- a new key is published in the JWKS as soon as its row exists, starts signing at activates_at (publish-ahead
-- later), and its predecessor stays published until the longest-lived token it signed has expired.
--
-- generation is unique: two identity instances rotating at once both try generation = newest + 1 and exactly one
-- INSERT ... ON CONFLICT DO NOTHING wins, also for the very first key (generation 1). That replaces the
-- single-active index of V3, and the "active" flag itself: which key signs follows from activates_at and the clock.
ALTER TABLE signing_key ADD COLUMN generation bigint;
ALTER TABLE signing_key ADD COLUMN activates_at timestamptz;

-- existing keys: the active one (at most one, V3's index) becomes the newest generation
UPDATE signing_key s
SET generation = n.generation, activates_at = s.created_at
FROM (SELECT kid, row_number() OVER (ORDER BY active, created_at) AS generation FROM signing_key) n
WHERE s.kid = n.kid;

ALTER TABLE signing_key ALTER COLUMN generation SET NOT NULL;
ALTER TABLE signing_key ALTER COLUMN activates_at SET NOT NULL;
CREATE UNIQUE INDEX signing_key_generation ON signing_key (generation);
DROP INDEX signing_key_single_active;
ALTER TABLE signing_key DROP COLUMN active;
