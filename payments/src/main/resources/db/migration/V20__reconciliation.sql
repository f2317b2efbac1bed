-- Reconciliation: one report per channel account and day, comparing the channel's statement with our records.
create table reconciliation_report (
    id                  text primary key,      -- rec_…
    channel_account_id  text not null references merchant_channel_account (id),
    agency_id           text not null,
    channel             text not null,
    day                 date not null,         -- the channel's day (Asia/Shanghai)
    statement_lines     integer not null,
    matched             integer not null,
    mismatches          integer not null,
    settled             integer not null,      -- mismatches resolved by querying the channel
    created_at          timestamptz not null,
    unique (channel_account_id, day, created_at)
);
create index reconciliation_report_day on reconciliation_report (day desc, channel_account_id);

create table reconciliation_item (
    report_id       text not null references reconciliation_report (id),
    kind            text not null,             -- missing_here, missing_at_channel, amount_differs, status_differs
    payment_id      text,
    refund_id       text,
    ours            jsonb,
    theirs          jsonb,
    settled         boolean not null,
    resolution      text
);
create index reconciliation_item_report on reconciliation_item (report_id);
