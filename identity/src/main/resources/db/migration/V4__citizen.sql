-- Citizen accounts (org.civicstack.identity.citizen), keyed by mobile number. The mobile number is kept in the
-- clear because it is where login codes are sent; everything else about a citizen's identity lives in the
-- assurance tables (hashed or encrypted). The internal id never leaves identity (agencies get pairwise subjects).
CREATE TABLE citizen (
    id              uuid        PRIMARY KEY,
    mobile_e164     text        NOT NULL UNIQUE,
    assurance_level smallint    NOT NULL DEFAULT 1 CHECK (assurance_level BETWEEN 1 AND 3),
    status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    level_raised_at timestamptz
);
