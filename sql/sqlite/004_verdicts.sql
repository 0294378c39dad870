-- Authenticity verdicts (see sql/mysql/005_verdicts.sql for their meaning).
ALTER TABLE callback_logs ADD COLUMN source_verdict VARCHAR(20);
ALTER TABLE transactions ADD COLUMN verdict VARCHAR(20);
ALTER TABLE transactions ADD COLUMN verdict_detail VARCHAR(255);
ALTER TABLE transactions ADD COLUMN verify_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transactions ADD COLUMN verify_next_at DATETIME;
CREATE INDEX ix_transactions_verdict ON transactions (verdict, verify_next_at);
