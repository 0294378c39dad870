-- The Telegram outbox: notifications become rows written with the payment and delivered later by a worker.
-- Every change widens; the original server's rows stay as they are (sent/failed, no event key). Nullability is kept
-- as the original tables had it, since a database that server made may hold NULLs there.

ALTER TABLE notifications
  MODIFY notification_type ENUM('admin','user','receipt','conflict') NULL,
  MODIFY status ENUM('pending','sent','failed') NULL DEFAULT 'pending',
  ADD COLUMN checkout_request_id VARCHAR(100) NULL,
  ADD COLUMN event_key VARCHAR(40) NULL,
  ADD COLUMN request_id CHAR(36) NULL,
  ADD COLUMN attempts INT NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at DATETIME(3) NULL,
  ADD COLUMN claimed_until DATETIME(3) NULL,
  ADD COLUMN claimed_by VARCHAR(80) NULL,
  ADD COLUMN telegram_message_id BIGINT NULL,
  ADD COLUMN sent_at DATETIME(3) NULL;

-- One row per event: the same alert can never be queued twice. Legacy rows have no event key (NULL), so the
-- duplicates the original server wrote do not stop this key from being created.
ALTER TABLE notifications
  ADD UNIQUE KEY uq_notifications_event (transaction_id, notification_type, recipient, event_key),
  ADD KEY ix_notifications_due (status, next_attempt_at);

-- Receipts find their payer by phone number when the payment request does not name one.
ALTER TABLE users ADD KEY ix_users_phone_number (phone_number);
