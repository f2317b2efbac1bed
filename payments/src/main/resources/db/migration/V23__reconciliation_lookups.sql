-- The daily reconciliation (once per channel account and day, and on each operator's reconcile) reads the
-- account's payments and refunds completed during one channel day. Before, both read every order ever made.
CREATE INDEX payment_reconciliation ON payment (channel_account_id, paid_at) WHERE status = 'succeeded';
CREATE INDEX refund_reconciliation ON refund (completed_at) WHERE status = 'succeeded';
