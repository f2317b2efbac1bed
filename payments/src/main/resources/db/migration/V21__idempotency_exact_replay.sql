-- A replayed answer is the first answer byte for byte (Stripe's rule): jsonb re-renders the JSON (spaces, key order),
-- so the stored response is kept as the text that was sent.
ALTER TABLE idempotency_key ALTER COLUMN response_body TYPE text USING response_body::text;
