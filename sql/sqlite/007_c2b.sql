-- C2B payments, validation answers and known accounts, as MySQL's 008_c2b (see there for every column's meaning).
CREATE TABLE c2b_payments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  trans_id VARCHAR(30) NOT NULL UNIQUE,
  transaction_type VARCHAR(60),
  trans_time DATETIME,
  amount DECIMAL(12,2),
  business_short_code VARCHAR(20),
  bill_ref_number VARCHAR(100),
  invoice_number VARCHAR(100),
  org_account_balance DECIMAL(14,2),
  third_party_trans_id VARCHAR(100),
  msisdn VARCHAR(128),
  msisdn_kind VARCHAR(10),
  first_name VARCHAR(100),
  middle_name VARCHAR(100),
  last_name VARCHAR(100),
  status VARCHAR(10) NOT NULL,
  checkout_request_id VARCHAR(100),
  validation_rejected INTEGER NOT NULL DEFAULT 0,
  request_id CHAR(36),
  created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))
);
CREATE INDEX ix_c2b_payments_checkout_request_id ON c2b_payments (checkout_request_id);
CREATE INDEX ix_c2b_payments_created_at ON c2b_payments (created_at);

CREATE TABLE c2b_validations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  trans_id VARCHAR(30) NOT NULL UNIQUE,
  accepted INTEGER NOT NULL,
  result_code VARCHAR(10) NOT NULL,
  rule VARCHAR(40) NOT NULL,
  fallback INTEGER NOT NULL DEFAULT 0,
  amount DECIMAL(12,2),
  bill_ref_number VARCHAR(100),
  business_short_code VARCHAR(20),
  decided_at DATETIME NOT NULL,
  request_id CHAR(36)
);

CREATE TABLE c2b_accounts (
  account_number VARCHAR(100) NOT NULL PRIMARY KEY,
  description VARCHAR(255),
  created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))
);

ALTER TABLE callback_logs ADD COLUMN family VARCHAR(20);
ALTER TABLE callback_logs ADD COLUMN callback_key VARCHAR(100);
CREATE INDEX ix_callback_logs_callback_key ON callback_logs (callback_key);

ALTER TABLE notifications ADD COLUMN c2b_payment_id BIGINT;
ALTER TABLE notifications ADD COLUMN payment_receipt VARCHAR(30);
CREATE UNIQUE INDEX uq_notifications_c2b_event ON notifications (c2b_payment_id, notification_type, recipient, event_key);
CREATE UNIQUE INDEX uq_notifications_receipt ON notifications (notification_type, recipient, payment_receipt);
