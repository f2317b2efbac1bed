-- Services registry: agencies, services with their revisions, the audit trail and the routing change feed.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE agency (
    id              text PRIMARY KEY,
    name_zh_cn      text        NOT NULL,
    name_en         text        NOT NULL,
    unit_type       text        NOT NULL CHECK (unit_type IN ('direct_unit', 'municipal_unit', 'district', 'state_owned_enterprise')),
    district        text,
    contact_name    text        NOT NULL,
    contact_email   text        NOT NULL,
    contact_phone   text,
    oauth_client_id text        NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service (
    id                  text PRIMARY KEY,
    code                text        NOT NULL UNIQUE,
    agency_id           text        NOT NULL REFERENCES agency (id),
    status              text        NOT NULL CHECK (status IN ('draft', 'submitted', 'published', 'suspended', 'retired')),
    -- the revision serving traffic (null until first approved)
    live_revision       integer,
    -- the revision served before live_revision, for one-call rollback
    previous_revision   integer,
    -- the newest revision (may be a draft under review while live_revision serves)
    latest_revision     integer     NOT NULL,
    status_reason       text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    lock_version        integer     NOT NULL DEFAULT 0
);

CREATE INDEX service_agency ON service (agency_id);

CREATE TABLE service_revision (
    service_id    text        NOT NULL REFERENCES service (id),
    revision      integer     NOT NULL,
    state         text        NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'superseded')),
    definition    jsonb       NOT NULL,
    reject_reason text,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, revision)
);

-- what the catalog shows: one row per published service, from its live revision (kept in the same transaction)
CREATE TABLE catalog_entry (
    service_id   text PRIMARY KEY REFERENCES service (id),
    code         text    NOT NULL,
    agency_id    text    NOT NULL,
    category     text    NOT NULL,
    audience     text    NOT NULL,
    city_wide    boolean NOT NULL,
    districts    text[]  NOT NULL,
    search_text  text    NOT NULL,
    definition   jsonb   NOT NULL
);

CREATE INDEX catalog_entry_category ON catalog_entry (category, code);
CREATE INDEX catalog_entry_districts ON catalog_entry USING gin (districts);
-- trigram index: Chinese has no word boundaries, so substring search (ILIKE '%挂号%') is what citizens need
CREATE INDEX catalog_entry_search ON catalog_entry USING gin (search_text gin_trgm_ops);

CREATE TABLE audit_event (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    actor        text        NOT NULL,
    action       text        NOT NULL,
    subject_type text        NOT NULL,
    subject_id   text        NOT NULL,
    before       jsonb,
    after        jsonb,
    reason       text
);

CREATE INDEX audit_event_subject ON audit_event (subject_type, subject_id, id);

-- The routing change feed. Writers take pg_advisory_xact_lock(7001) and use max(version) + 1, so versions are
-- contiguous and commit in order: a reader that has seen version N has seen every version below it, and a
-- missing number is a real gap (a sequence would leave holes on rollback).
CREATE TABLE routing_change (
    version      bigint      PRIMARY KEY,
    service_code text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('published', 'suspended', 'retired')),
    route        jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX routing_change_code ON routing_change (service_code, version DESC);

CREATE TABLE idempotency_record (
    caller        text        NOT NULL,
    idem_key      text        NOT NULL,
    request_hash  text        NOT NULL,
    status        integer     NOT NULL,
    response      jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, idem_key)
);
