-- Payments: merchants and their channel accounts, idempotency keys, payment orders and refunds with their
-- histories, the double-entry ledger, the agency webhook outbox and every channel notification received.
-- Money is bigint minor units (fen) with an ISO 4217 currency; only CNY is accepted for now.

-- One merchant per agency that takes money.
create table merchant (
    agency_id       text primary key,
    display_name    text not null,
    settlement      jsonb not null,            -- account name, bank, masked account number: what the agency sees
    webhook_url     text,                      -- checked by the upstream SSRF policy when set
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    version         integer not null default 0
);

-- Signing secrets of an agency's webhooks; a rotated-out secret keeps signing (as a second signature) until it
-- retires, so the agency can switch without missing a delivery.
create table merchant_webhook_secret (
    id              text primary key,          -- whsec key id
    agency_id       text not null references merchant (agency_id),
    secret          bytea not null,            -- AES-GCM sealed (payments SecretBox), never returned after creation
    created_at      timestamptz not null,
    retires_at      timestamptz                -- null: current
);
create index merchant_webhook_secret_agency on merchant_webhook_secret (agency_id, created_at desc);

-- An agency's account at one channel: the channel's merchant id, public properties and sealed secrets.
create table merchant_channel_account (
    id              text primary key,          -- mca_…, also the last segment of its notification URL
    agency_id       text not null references merchant (agency_id),
    channel         text not null,
    merchant_id     text not null,
    properties      jsonb not null,            -- the adapter's non-secret properties
    secrets         bytea not null,            -- the adapter's secret properties, AES-GCM sealed as one JSON object
    enabled         boolean not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    unique (agency_id, channel)
);

-- Stripe-style idempotency: the first request under a key is recorded before it is processed; the response is
-- stored once it is known; the same key with the same request replays it; a different request is refused.
create table idempotency_key (
    caller          text not null,             -- the OAuth client (agency) or citizen reference
    key             text not null,
    operation       text not null,             -- e.g. create_payment, create_refund
    request_hash    bytea not null,            -- SHA-256 of the canonical request
    status          text not null check (status in ('processing', 'done')),
    response_status integer,
    response_body   jsonb,
    created_at      timestamptz not null,
    expires_at      timestamptz not null,
    primary key (caller, key)
);
create index idempotency_key_expiry on idempotency_key (expires_at);

create table payment (
    id                      text primary key,  -- pay_…
    agency_id               text not null,
    reference               text not null,     -- the agency's own order reference, unique per agency
    citizen_ref             text not null,     -- the citizen's platform reference (resolved through identity)
    citizen_subject         text not null,     -- the agency's pairwise subject for the citizen (echoed to it)
    amount                  bigint not null check (amount > 0),
    currency                text not null check (currency = 'CNY'),
    description             text not null,
    line_items              jsonb,
    status                  text not null,
    close_reason            text,              -- why a closing payment is being closed: expiry or agency cancel
    channel                 text,
    channel_account_id      text references merchant_channel_account (id),
    channel_reference       text,              -- e.g. WeChat prepay_id
    app_parameters          jsonb,             -- what the app needs to open the channel (signed by the adapter)
    channel_transaction_id  text,
    refund_reserved         bigint not null default 0 check (refund_reserved >= 0 and refund_reserved <= amount),
    refunded                bigint not null default 0 check (refunded >= 0 and refunded <= refund_reserved),
    fee                     bigint,
    expires_at              timestamptz not null,
    next_check_at           timestamptz,       -- when the reconciler next asks the channel (pending payments)
    created_at              timestamptz not null,
    updated_at              timestamptz not null,
    paid_at                 timestamptz,
    version                 integer not null default 0,
    unique (agency_id, reference)
);
create index payment_citizen on payment (citizen_ref, created_at desc, id desc);
create index payment_agency on payment (agency_id, created_at desc, id desc);
create index payment_open on payment (next_check_at) where status in ('created', 'starting', 'pending', 'closing');

-- Every transition a payment or refund made, with the event that caused it.
create table payment_transition (
    id              bigserial primary key,
    payment_id      text not null references payment (id),
    refund_id       text,
    from_status     text not null,
    to_status       text not null,
    event           text not null,
    detail          jsonb,
    at              timestamptz not null
);
create index payment_transition_payment on payment_transition (payment_id, id);

create table refund (
    id                  text primary key,      -- rfd_…
    payment_id          text not null references payment (id),
    agency_id           text not null,
    amount              bigint not null check (amount > 0),
    currency            text not null,
    reason              text,
    status              text not null,
    channel_refund_id   text,
    next_check_at       timestamptz,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    completed_at        timestamptz,
    version             integer not null default 0
);
create index refund_payment on refund (payment_id, created_at);
create index refund_open on refund (next_check_at) where status in ('requested', 'pending');

-- Double-entry ledger. Entries are signed (debit positive, credit negative); every transaction sums to zero,
-- checked when its inserting transaction commits; nothing is ever updated or deleted.
create table ledger_transaction (
    id              bigserial primary key,
    kind            text not null,             -- payment_captured, channel_fee, refund_paid
    payment_id      text not null references payment (id),
    refund_id       text references refund (id),
    at              timestamptz not null,
    unique (kind, payment_id, refund_id)
);
create unique index ledger_transaction_once_per_payment on ledger_transaction (kind, payment_id) where refund_id is null;
create table ledger_entry (
    id              bigserial primary key,
    transaction_id  bigint not null references ledger_transaction (id),
    account         text not null,             -- e.g. channel_clearing:wechat_pay, merchant_payable:agy_…
    amount          bigint not null check (amount <> 0),
    currency        text not null
);
create index ledger_entry_transaction on ledger_entry (transaction_id);
create index ledger_entry_account on ledger_entry (account);

create function ledger_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the ledger is append-only (% on %)', tg_op, tg_table_name;
end $$;
create trigger ledger_transaction_append_only before update or delete on ledger_transaction
    for each row execute function ledger_append_only();
create trigger ledger_entry_append_only before update or delete on ledger_entry
    for each row execute function ledger_append_only();

create function ledger_transaction_balances() returns trigger language plpgsql as $$
declare
    total bigint;
    entries integer;
begin
    select coalesce(sum(amount), 0), count(*) into total, entries from ledger_entry where transaction_id = new.id;
    if total <> 0 or entries < 2 then
        raise exception 'ledger transaction % does not balance (sum %, % entries)', new.id, total, entries;
    end if;
    return null;
end $$;
create constraint trigger ledger_transaction_balanced after insert on ledger_transaction
    deferrable initially deferred for each row execute function ledger_transaction_balances();

-- Agency webhooks: an event per payment or refund outcome, written in the same transaction as the change, then
-- delivered (signed, retried with back-off) by the webhook dispatcher.
create table webhook_event (
    id              text primary key,          -- evt_…
    agency_id       text not null,
    type            text not null,             -- payment.succeeded, payment.failed, payment.expired, refund.succeeded…
    payload         jsonb not null,
    created_at      timestamptz not null,
    status          text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null,
    delivered_at    timestamptz
);
create index webhook_event_due on webhook_event (next_attempt_at) where status = 'pending';
create index webhook_event_agency on webhook_event (agency_id, created_at desc, id desc);

-- Every notification a channel sent us and what we did with it.
create table channel_notification (
    id                  bigserial primary key,
    channel             text not null,
    channel_account_id  text,
    notification_id     text,
    payment_id          text,
    refund_id           text,
    outcome             text not null,         -- applied, duplicate, refused, mismatch, unknown_payment
    detail              text,
    received_at         timestamptz not null
);
create index channel_notification_payment on channel_notification (payment_id);

-- Alerts an operator must look at: a notification whose amount, currency or merchant disagrees with our record, a
-- channel that says paid for a payment we closed.
create table payment_alert (
    id              bigserial primary key,
    kind            text not null,
    payment_id      text,
    refund_id       text,
    detail          jsonb not null,
    raised_at       timestamptz not null,
    resolved_at     timestamptz
);
