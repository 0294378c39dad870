-- What the promises need on top of the original tables: all changes widen, none drops a row or a value.
-- Result codes become strings (Daraja also sends codes such as SFC_IC0003); statuses gain the outcomes the
-- original server could not tell apart; conflicting callbacks are counted and flagged; callback_logs keeps
-- every request to the callback route with its verdict.

ALTER TABLE transactions
  MODIFY result_code VARCHAR(20) NULL,
  MODIFY status ENUM('Pending','Success','Failed','Cancelled','Timeout','Expired','Unknown') NOT NULL DEFAULT 'Pending',
  ADD COLUMN superseded_status VARCHAR(20) NULL,
  ADD COLUMN conflict_count INT NOT NULL DEFAULT 0,
  ADD COLUMN last_conflict_code VARCHAR(20) NULL,
  ADD COLUMN last_conflict_at DATETIME(3) NULL;

-- The original server stored an empty string where a receipt was missing; NULL is what "none" means.
UPDATE transactions SET mpesa_receipt_number = NULL WHERE mpesa_receipt_number = '';

ALTER TABLE transactions ADD UNIQUE KEY uq_transactions_receipt (mpesa_receipt_number);

ALTER TABLE callback_logs
  MODIFY raw_payload MEDIUMTEXT NULL,
  MODIFY result_code VARCHAR(20) NULL,
  MODIFY result_desc VARCHAR(255) NULL,
  ADD COLUMN received_at DATETIME(3) NULL,
  ADD COLUMN source_ip VARCHAR(45) NULL,
  ADD COLUMN route VARCHAR(200) NULL,
  ADD COLUMN http_status SMALLINT NULL,
  ADD COLUMN outcome VARCHAR(20) NULL,
  ADD COLUMN problems TEXT NULL,
  ADD KEY ix_callback_logs_checkout_request_id (checkout_request_id),
  ADD KEY ix_callback_logs_received_at (received_at);
