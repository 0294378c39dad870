-- The Telegram outbox, in the shape MySQL's 003_outbox reaches. SQLite cannot change a CHECK constraint, so the
-- table is rebuilt (create, copy, drop, rename); the migration runs in one transaction, so rows cannot be lost.

CREATE TABLE notifications_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id INTEGER REFERENCES transactions (id),
  notification_type VARCHAR(10) NOT NULL CHECK (notification_type IN ('admin','user','receipt','conflict')),
  recipient VARCHAR(100),
  message TEXT,
  status VARCHAR(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
  error_message TEXT,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  checkout_request_id VARCHAR(100),
  event_key VARCHAR(40),
  request_id CHAR(36),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at DATETIME,
  claimed_until DATETIME,
  claimed_by VARCHAR(80),
  telegram_message_id BIGINT,
  sent_at DATETIME
);

INSERT INTO notifications_new (id, transaction_id, notification_type, recipient, message, status, error_message, created_at)
  SELECT id, transaction_id, notification_type, recipient, message, status, error_message, created_at FROM notifications;

DROP TABLE notifications;

ALTER TABLE notifications_new RENAME TO notifications;

CREATE UNIQUE INDEX uq_notifications_event ON notifications (transaction_id, notification_type, recipient, event_key);

CREATE INDEX ix_notifications_due ON notifications (status, next_attempt_at);

-- Receipts find their payer by phone number when the payment request does not name one.
CREATE INDEX ix_users_phone_number ON users (phone_number);
