-- The daily reconciliation: one run per channel account and day, claimed before it starts so that any number of
-- payments instances reconcile each account once; a claim whose instance died is taken over after its lease.
create table reconciliation_run (
    channel_account_id  text not null references merchant_channel_account (id),
    day                 date not null,         -- the channel's day (Asia/Shanghai) reconciled
    claimed_at          timestamptz not null,
    finished_at         timestamptz,
    report_id           text references reconciliation_report (id),
    error               text,                  -- why the last attempt failed (the statement not yet available…)
    attempts            integer not null default 1,
    primary key (channel_account_id, day)
);
