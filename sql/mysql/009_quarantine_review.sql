-- Quarantined callbacks (a row the database refused even alone: e.g. a success reusing another payment's receipt)
-- wait for a person: /health is degraded until each is marked reviewed (README: Quarantine).
ALTER TABLE callback_logs
  ADD COLUMN reviewed_at DATETIME(3) NULL,
  ADD KEY ix_callback_logs_review (outcome, reviewed_at);
