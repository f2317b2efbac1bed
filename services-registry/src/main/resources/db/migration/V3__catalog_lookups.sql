-- Citizen-facing catalog reads through an index on a catalog of 8,000-100,000 services:
--   * one service by code (GET /v1/catalog/{code}, every time a citizen opens a service) and the unfiltered list
--     (WHERE code > :after ORDER BY code LIMIT): before, a whole read of the (category, code) index, or of the table
--     plus a sort, per page;
--   * the district filter (city_wide OR :district = ANY (districts)): the GIN index on districts serves one branch,
--     this partial index the other, so the planner can OR the two instead of scanning.
CREATE INDEX catalog_entry_code ON catalog_entry (code);
CREATE INDEX catalog_entry_city_wide ON catalog_entry (code) WHERE city_wide;
-- published outbox events past their retention, purged every ~100 s on each instance
CREATE INDEX outbox_event_published ON outbox_event (published_at) WHERE published_at IS NOT NULL;
