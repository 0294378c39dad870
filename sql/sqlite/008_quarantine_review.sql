-- As MySQL's 009_quarantine_review: quarantined callbacks wait for review; /health is degraded until they are marked.
ALTER TABLE callback_logs ADD COLUMN reviewed_at DATETIME;
CREATE INDEX ix_callback_logs_review ON callback_logs (outcome, reviewed_at);
