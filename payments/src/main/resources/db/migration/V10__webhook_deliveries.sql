-- Agency webhook delivery: the dispatcher's lease on an event and the log of every delivery attempt.

-- leased_until: set by the claim that takes an event for one attempt (next_attempt_at is pushed to the same
-- instant, so no other dispatcher sees it as due); cleared when that attempt's outcome is recorded. A dispatcher
-- that dies mid-attempt leaves it set: the event is due again when the lease runs out.
-- retry_window_from: when the current run of retries began (the first attempt, or the first after a redelivery);
-- the event fails once the give-up age has passed since then.
alter table webhook_event
    add column leased_until timestamptz,
    add column retry_window_from timestamptz;

-- the oldest pending event (the backlog gauge) and an agency's attempts in flight (its concurrency limit)
create index webhook_event_pending_created on webhook_event (created_at) where status = 'pending';
create index webhook_event_in_flight on webhook_event (agency_id) where status = 'pending' and leased_until is not null;

-- One row per delivery attempt, never updated: what was sent where and what came back.
create table webhook_delivery (
    event_id            text not null references webhook_event (id),
    attempt             integer not null check (attempt > 0),
    at                  timestamptz not null,
    url                 text not null,
    http_status         integer,               -- null when no response came (timeout, connection error)
    error               text,                  -- why the attempt did not succeed without a response, or the
                                               -- response status named (http_503); null when delivered
    duration_ms         integer not null check (duration_ms >= 0),
    response_snippet    text check (octet_length(response_snippet) <= 1024),
    primary key (event_id, attempt)
);
