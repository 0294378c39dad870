-- Results of the asynchronous Daraja APIs (B2C, B2B, transaction status, account balance, reversal) and their queue
-- timeouts (issue 12), the payouts the business asked for, and the balances results report. Every table has a
-- primary key (Galera replicates only such tables safely). Times are UTC.

-- One row per request the business made of Daraja, by API and key: the OriginatorConversationID (what a timeout that
-- echoes the request carries, and what the business's own request holds), else the ConversationID. A timeout and the
-- result that follows it share the row; status follows the state rules of the STK payments.
CREATE TABLE IF NOT EXISTS daraja_results (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  api VARCHAR(10) NOT NULL COMMENT 'b2c, b2b, status, balance or reversal',
  result_key VARCHAR(100) NOT NULL COMMENT 'OriginatorConversationID, else ConversationID',
  originator_conversation_id VARCHAR(100) NULL,
  conversation_id VARCHAR(100) NULL,
  transaction_id VARCHAR(30) NULL COMMENT 'the M-Pesa receipt; Daraja sends placeholders such as FAKE000000 on failures',
  result_type VARCHAR(20) NULL,
  result_code VARCHAR(20) NULL COMMENT 'as text: 0, 2001, R000002; NULL on a timeout that echoes the request',
  result_desc VARCHAR(255) NULL,
  status VARCHAR(10) NOT NULL COMMENT 'Success, Failed, Timeout or Unknown',
  superseded_status VARCHAR(10) NULL COMMENT 'Timeout, when a result came after the timeout and replaced it',
  amount DECIMAL(12,2) NULL,
  credit_party VARCHAR(255) NULL COMMENT 'who received: 254700000004 - NAME',
  debit_party VARCHAR(255) NULL,
  completed_at DATETIME NULL COMMENT 'UTC',
  parameters MEDIUMTEXT NULL COMMENT 'JSON object: every ResultParameter by key (a request echo: its fields, no secrets)',
  reference_data TEXT NULL COMMENT 'JSON object: every ReferenceItem by key',
  verdict VARCHAR(12) NULL COMMENT 'b2c: matched, mismatch or unsolicited against b2c_requests',
  conflict_count INT NOT NULL DEFAULT 0,
  last_conflict_code VARCHAR(20) NULL,
  request_id CHAR(36) NULL COMMENT 'the callback that set the status (its callback_logs row)',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_daraja_results_key (api, result_key),
  KEY ix_daraja_results_conversation_id (conversation_id),
  KEY ix_daraja_results_transaction_id (transaction_id),
  KEY ix_daraja_results_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The balances results report: one row per account of an account balance result, and the B2C utility, working and
-- charges paid accounts a B2C result names (only their available funds are known there).
CREATE TABLE IF NOT EXISTS account_balances (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  daraja_result_id BIGINT NOT NULL,
  account_type VARCHAR(60) NOT NULL COMMENT 'Working Account, Utility Account, …',
  currency CHAR(3) NOT NULL DEFAULT 'KES',
  current_cents BIGINT NULL,
  available_cents BIGINT NOT NULL,
  reserved_cents BIGINT NULL,
  uncleared_cents BIGINT NULL,
  reported_at DATETIME NULL COMMENT 'UTC: when Daraja computed it',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_account_balances_result_account (daraja_result_id, account_type),
  KEY ix_account_balances_account (account_type, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Whether an account is below MPESA_CB_LOW_BALANCE_KES now: the low-balance alert goes out once per crossing.
CREATE TABLE IF NOT EXISTS low_balance_state (
  account_type VARCHAR(60) NOT NULL PRIMARY KEY,
  below TINYINT NOT NULL DEFAULT 0,
  crossings INT NOT NULL DEFAULT 0 COMMENT 'times it fell below: names each alert',
  available_cents BIGINT NULL,
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The payouts the business asks for, written by its payout code BEFORE it calls Daraja's B2C API (README: B2C
-- requests). A B2C result is matched against its row by OriginatorConversationID.
CREATE TABLE IF NOT EXISTS b2c_requests (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  originator_conversation_id VARCHAR(100) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  phone VARCHAR(20) NOT NULL COMMENT '2547XXXXXXXX',
  purpose VARCHAR(255) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_b2c_requests_originator (originator_conversation_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Notifications about a result (payout sent or failed, timeout, reversal, late result, low balance).
ALTER TABLE notifications
  ADD COLUMN daraja_result_id BIGINT NULL,
  ADD UNIQUE KEY uq_notifications_result_event (daraja_result_id, notification_type, recipient, event_key);
