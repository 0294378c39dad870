-- The reconciliation's reads by time and by status (see sql/mysql/011_reconcile_indexes.sql).
CREATE INDEX ix_payment_requests_created_at ON payment_requests (created_at);
CREATE INDEX ix_transactions_status ON transactions (status, created_at);
