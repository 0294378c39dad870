-- Authenticity verdicts. callback_logs.source_verdict: the allowlist's word on the sender (unchecked, listed, unlisted).
-- transactions.verdict: what our own records and Daraja say about a success — matched or mismatch (against
-- payment_requests), unsolicited (no request of ours), pending (waiting for Daraja's confirmation), verified,
-- unverifiable; NULL for outcomes that move no money.
ALTER TABLE callback_logs ADD COLUMN source_verdict VARCHAR(20) NULL;

ALTER TABLE transactions
  ADD COLUMN verdict VARCHAR(20) NULL,
  ADD COLUMN verdict_detail VARCHAR(255) NULL,
  ADD COLUMN verify_attempts INT NOT NULL DEFAULT 0,
  ADD COLUMN verify_next_at DATETIME(3) NULL,
  ADD KEY ix_transactions_verdict (verdict, verify_next_at);
