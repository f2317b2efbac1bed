-- Assurance levels 2 and 3 (org.civicstack.identity.assurance). Data minimisation: the resident ID number is never
-- stored, only its keyed hash (HMAC-SHA256 with civicstack.identity.assurance.id-hash-secret), which is all the
-- one-number-one-account rule needs; the verified name is stored encrypted (AES-256-GCM, key from
-- civicstack.identity.assurance.name-encryption-secret, citizen id as associated data) because the face step sends it
-- to the face provider. The level itself and when it was reached live on citizen (assurance_level, level_raised_at).

-- One row per citizen who reached level 2; the unique hash binds one number to one account.
CREATE TABLE identity_verification (
    citizen_id          uuid        PRIMARY KEY REFERENCES citizen (id),
    id_number_hash      bytea       NOT NULL UNIQUE CHECK (octet_length(id_number_hash) = 32),
    name_ciphertext     bytea       NOT NULL,
    encryption_scheme   text        NOT NULL,
    authority_reference text,
    verified_at         timestamptz NOT NULL DEFAULT now()
);

-- Every verification attempt and its outcome, successful or not, for the audit trail and the daily limit. Never the
-- number or the name. A face attempt is also the face verification session: provider_reference is the provider's
-- session id, outcome 'started' until the result is in.
CREATE TABLE verification_attempt (
    id                 uuid        PRIMARY KEY,
    citizen_id         uuid        NOT NULL REFERENCES citizen (id),
    kind               text        NOT NULL CHECK (kind IN ('realname', 'face')),
    outcome            text        NOT NULL CHECK (outcome IN ('pending', 'started', 'match', 'no_match',
                                       'unavailable', 'rejected', 'already_bound', 'invalid_input', 'expired')),
    reason             text,
    provider_reference text,
    level_reached      smallint    CHECK (level_reached BETWEEN 2 AND 3),
    expires_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    completed_at       timestamptz
);

CREATE INDEX verification_attempt_recent ON verification_attempt (citizen_id, kind, created_at);
