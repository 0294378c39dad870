-- The reconciliation's reads by time and by status (src/core/reconcile/reconcile-sql.ts): without these, finding the
-- payments to ask Daraja about read both tables in full on every pass — 7.6 s with 2 million rows in each, past the
-- 4 s query limit, so that every pass failed. ADD KEY builds in place without blocking writes; on a big table it takes
-- a while (and on Galera the cluster waits for it: migrate in a quiet hour).
ALTER TABLE payment_requests ADD KEY ix_payment_requests_created_at (created_at);

ALTER TABLE transactions ADD KEY ix_transactions_status (status, created_at);
