-- Shared by every service that owns a database (platform library, location classpath:db/platform).
-- Transactional outbox (architecture.md, "Data ownership and events"): a producer inserts the event in the same
-- transaction as the state change; the relay publishes unpublished rows to their Redis Stream at least once and
-- marks them; consumers de-duplicate by event_id.
CREATE TABLE outbox_event (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    stream       text        NOT NULL,
    event_type   text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

CREATE INDEX outbox_event_unpublished ON outbox_event (id) WHERE published_at IS NULL;
