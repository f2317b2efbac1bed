-- CivicStack certificates (issue #11). What is personal data and where it lives (docs/certificates.md, "Data"):
-- claim values exist only inside credential.payload and presentation_request.presentation, both AES-256-GCM
-- (keys.PayloadCipher, the row's id and owner as associated data); wallet and issuer private keys are sealed the same
-- way. Citizens appear only by their platform reference (identity's citizen id, a random UUID); agencies by id. Claim
-- *names* (not values), purposes and agency ids are stored in clear: they are what the access log shows.

-- The issuer's signing keys (ES256). One is current; earlier ones stay in the JWKS until retired.
create table signing_key (
    id                 text primary key,                 -- the JWK kid
    public_jwk         text not null,
    private_ciphertext bytea not null,                   -- PayloadCipher, associated data 'signing-key:' || id
    status             text not null check (status in ('current', 'previous', 'retired')),
    created_at         timestamptz not null,
    retired_at         timestamptz
);
-- at most one current key, whichever instance made it
create unique index signing_key_one_current on signing_key (status) where status = 'current';

-- A credential type: what an issuing agency issues. Public: served as the type's vct metadata.
create table credential_type (
    id               text primary key,                   -- slug, e.g. volunteer_service_card; vct = <base>/v1/certificates/types/<id>
    issuer_agency_id text not null,
    name             jsonb not null,                     -- {"zh-CN": "…", "en": "…"}
    description      jsonb,
    claims           jsonb not null,                     -- [{name, type, required, disclosable, display: {zh-CN, en}}]
    validity_days    integer not null check (validity_days between 1 and 36500),
    display          jsonb not null,                     -- {background_color, text_color}
    status           text not null check (status in ('active', 'retired')),
    version          integer not null,
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);
create index credential_type_issuer on credential_type (issuer_agency_id, id);

-- Each citizen's wallet key: the holder key credentials are bound to (cnf). The platform keeps it for the citizen
-- (a server wallet; the app signs nothing), sealed at rest.
create table wallet_key (
    citizen_ref        text primary key,
    key_id             text not null,
    public_jwk         text not null,
    private_ciphertext bytea not null,                   -- associated data 'wallet-key:' || citizen_ref
    created_at         timestamptz not null
);

-- Token Status Lists (draft-ietf-oauth-status-list-21): 2 bits per credential, LSB first, exactly the bytes the
-- published token carries before compression. Indices are handed out at random (the draft's herd privacy).
create table status_list (
    id         text primary key,                         -- sl_…; URI <base>/v1/certificates/status-lists/<id>
    bits       smallint not null check (bits = 2),
    size       integer not null check (size > 0),
    lst        bytea not null,
    open       boolean not null,                         -- new credentials are placed in open lists
    version    bigint not null,
    updated_at timestamptz not null
);

create table credential (
    id               text primary key,                   -- crd_…
    type_id          text not null references credential_type (id),
    issuer_agency_id text not null,
    citizen_ref      text not null,
    status           text not null check (status in ('valid', 'suspended', 'revoked', 'superseded')),
    status_list_id   text not null references status_list (id),
    status_index     integer not null,
    issued_at        timestamptz not null,
    expires_at       timestamptz not null,
    supersedes       text references credential (id),
    superseded_by    text references credential (id),
    status_reason    text,                               -- the issuer's reason code for revoke/suspend (no free text)
    payload          bytea not null,                     -- the SD-JWT VC with every disclosure, sealed; AD 'credential:' || id || ':' || citizen_ref
    version          integer not null,
    updated_at       timestamptz not null,
    unique (status_list_id, status_index)
);
create index credential_wallet on credential (citizen_ref, issued_at desc);
create index credential_issuer on credential (issuer_agency_id, issued_at desc);

-- An agency's request for data from a citizen (OpenID4VP-shaped: a DCQL query, a nonce, the agency as audience).
create table presentation_request (
    id            text primary key,                      -- prq_…
    agency_id     text not null,
    client_id     text not null,
    citizen_ref   text,                                  -- addressed citizen; null until a citizen opens an open request
    query         jsonb not null,                        -- the DCQL query as accepted
    purpose       jsonb not null,                        -- {"zh-CN": "…", "en": "…"}
    nonce         text not null unique,
    callback_url  text,
    status        text not null check (status in ('pending', 'approved', 'declined', 'expired')),
    presentation  bytea,                                 -- sealed {"<query id>": "<SD-JWT+KB>"}; AD 'presentation:' || id
    consent_id    text,
    decided_by    text check (decided_by in ('citizen', 'standing_consent')),
    callback_status text,
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    decided_at    timestamptz
);
create index presentation_request_citizen on presentation_request (citizen_ref, created_at desc);

-- What a citizen agreed to share with whom: one-time (one request) or standing (until expires_at or revoked).
create table consent (
    id          text primary key,                        -- cns_…
    citizen_ref text not null,
    agency_id   text not null,
    kind        text not null check (kind in ('once', 'standing')),
    scope       jsonb not null,                          -- [{"type": "<type id>", "claims": ["…"]}]
    purpose     jsonb not null,
    request_id  text,
    granted_at  timestamptz not null,
    expires_at  timestamptz,
    revoked_at  timestamptz
);
create index consent_citizen on consent (citizen_ref, granted_at desc);
create index consent_standing on consent (citizen_ref, agency_id) where kind = 'standing' and revoked_at is null;

-- Nonces a verifier has had verified: each verifies once (replays are refused).
create table verified_nonce (
    agency_id   text not null,
    nonce       text not null,
    verified_at timestamptz not null,
    primary key (agency_id, nonce)
);

-- "Show in person": a short-lived single-use token for one credential. Only its hash is stored.
create table qr_token (
    token_hash    bytea primary key,
    credential_id text not null references credential (id),
    citizen_ref   text not null,
    claims        jsonb not null,                        -- the claim names the citizen chose to show
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    used_at       timestamptz,
    used_by       text
);

-- Every share, verification and status change of a credential, for the citizen's "who used my data".
create table access_event (
    id            bigserial primary key,
    credential_id text not null references credential (id),
    citizen_ref   text not null,
    kind          text not null check (kind in ('issued', 'reissued', 'shared', 'presented', 'qr_verified',
                                              'verified', 'suspended', 'reinstated', 'revoked', 'superseded')),
    agency_id     text,                                  -- who acted or received
    client_id     text,
    claims        jsonb,                                 -- names of the claims disclosed
    purpose       jsonb,
    consent_id    text,
    request_id    text,
    at            timestamptz not null
);
create index access_event_citizen on access_event (citizen_ref, id desc);
create index access_event_credential on access_event (credential_id, id desc);

create table idempotency_key (
    caller          text not null,
    key             text not null,
    operation       text not null,
    request_hash    bytea not null,                      -- HMAC-SHA256 of the canonical request (it carries claim values)
    status          text not null check (status in ('processing', 'done')),
    response_status integer,
    response_body   text,                                -- never personal data: issuance answers carry ids only
    created_at      timestamptz not null,
    expires_at      timestamptz not null,
    primary key (caller, key)
);
create index idempotency_key_expiry on idempotency_key (expires_at);
