-- Pairwise subject identifiers (org.civicstack.identity.pairwise, OIDC Core §8): the `sub` an agency sees for a
-- citizen. One random 128-bit value per (agency, citizen), created on first use and never changed: it carries no
-- information about the citizen or the internal id, so two agencies' subjects cannot be linked even by someone who
-- holds every key identity has. The reverse lookup (the resolve API) is this table's second unique index.
CREATE TABLE pairwise_subject (
    agency_id  text        NOT NULL,
    citizen_id uuid        NOT NULL REFERENCES citizen (id),
    subject    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, citizen_id),
    CONSTRAINT pairwise_subject_unique_per_agency UNIQUE (agency_id, subject)
);
