-- C2B (PayBill and till) payments, the answers given to their validation requests, and the accounts a PayBill knows
-- (issue 11). Every table has a primary key (Galera replicates only such tables safely).

-- One row per payment, by TransID (the M-Pesa receipt): a repeated confirmation is a no-op. Times are UTC; the
-- MSISDN is kept as Safaricom sent it (masked or SHA-256 hashed since 2024), with its kind.
CREATE TABLE IF NOT EXISTS c2b_payments (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  trans_id VARCHAR(30) NOT NULL,
  transaction_type VARCHAR(60) NULL,
  trans_time DATETIME NULL COMMENT 'UTC',
  amount DECIMAL(12,2) NULL,
  business_short_code VARCHAR(20) NULL,
  bill_ref_number VARCHAR(100) NULL,
  invoice_number VARCHAR(100) NULL,
  org_account_balance DECIMAL(14,2) NULL,
  third_party_trans_id VARCHAR(100) NULL,
  msisdn VARCHAR(128) NULL,
  msisdn_kind VARCHAR(10) NULL COMMENT 'plain, masked or hashed',
  first_name VARCHAR(100) NULL,
  middle_name VARCHAR(100) NULL,
  last_name VARCHAR(100) NULL,
  status VARCHAR(10) NOT NULL COMMENT 'Paid, or Unknown without a usable amount',
  checkout_request_id VARCHAR(100) NULL COMMENT 'the STK payment with the same receipt, when there is one',
  validation_rejected TINYINT NOT NULL DEFAULT 0 COMMENT '1: our validation had rejected this payment',
  request_id CHAR(36) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_c2b_payments_trans_id (trans_id),
  KEY ix_c2b_payments_checkout_request_id (checkout_request_id),
  KEY ix_c2b_payments_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One answer per TransID (the first one given): which rule decided, and whether the fallback answered because the
-- database did not in time.
CREATE TABLE IF NOT EXISTS c2b_validations (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  trans_id VARCHAR(30) NOT NULL,
  accepted TINYINT NOT NULL,
  result_code VARCHAR(10) NOT NULL,
  rule VARCHAR(40) NOT NULL,
  fallback TINYINT NOT NULL DEFAULT 0,
  amount DECIMAL(12,2) NULL,
  bill_ref_number VARCHAR(100) NULL,
  business_short_code VARCHAR(20) NULL,
  decided_at DATETIME(3) NOT NULL,
  request_id CHAR(36) NULL,
  UNIQUE KEY uq_c2b_validations_trans_id (trans_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The PayBill's account numbers, for MPESA_CB_C2B_KNOWN_ACCOUNTS=on (filled by the business).
CREATE TABLE IF NOT EXISTS c2b_accounts (
  account_number VARCHAR(100) NOT NULL PRIMARY KEY,
  description VARCHAR(255) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every request names the family that received it and its key (TransID for C2B; STK keeps checkout_request_id).
ALTER TABLE callback_logs
  ADD COLUMN family VARCHAR(20) NULL,
  ADD COLUMN callback_key VARCHAR(100) NULL,
  ADD KEY ix_callback_logs_callback_key (callback_key);

-- Notifications about a C2B payment; and one alert and one receipt per M-Pesa receipt across families: an STK
-- payment to a PayBill with C2B URLs also arrives as a C2B confirmation (SPEC §4.5).
ALTER TABLE notifications
  ADD COLUMN c2b_payment_id BIGINT NULL,
  ADD COLUMN payment_receipt VARCHAR(30) NULL,
  ADD UNIQUE KEY uq_notifications_c2b_event (c2b_payment_id, notification_type, recipient, event_key),
  ADD UNIQUE KEY uq_notifications_receipt (notification_type, recipient, payment_receipt);
