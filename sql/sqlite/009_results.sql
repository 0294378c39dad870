-- Daraja results, account balances, low-balance state and B2C requests, as MySQL's 010_results (see there for every
-- column's meaning).
CREATE TABLE daraja_results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  api VARCHAR(10) NOT NULL,
  result_key VARCHAR(100) NOT NULL,
  originator_conversation_id VARCHAR(100),
  conversation_id VARCHAR(100),
  transaction_id VARCHAR(30),
  result_type VARCHAR(20),
  result_code VARCHAR(20),
  result_desc VARCHAR(255),
  status VARCHAR(10) NOT NULL,
  superseded_status VARCHAR(10),
  amount DECIMAL(12,2),
  credit_party VARCHAR(255),
  debit_party VARCHAR(255),
  completed_at DATETIME,
  parameters TEXT,
  reference_data TEXT,
  verdict VARCHAR(12),
  conflict_count INTEGER NOT NULL DEFAULT 0,
  last_conflict_code VARCHAR(20),
  request_id CHAR(36),
  created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
  updated_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))
);
CREATE UNIQUE INDEX uq_daraja_results_key ON daraja_results (api, result_key);
CREATE INDEX ix_daraja_results_conversation_id ON daraja_results (conversation_id);
CREATE INDEX ix_daraja_results_transaction_id ON daraja_results (transaction_id);
CREATE INDEX ix_daraja_results_created_at ON daraja_results (created_at);

CREATE TABLE account_balances (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  daraja_result_id BIGINT NOT NULL,
  account_type VARCHAR(60) NOT NULL,
  currency CHAR(3) NOT NULL DEFAULT 'KES',
  current_cents BIGINT,
  available_cents BIGINT NOT NULL,
  reserved_cents BIGINT,
  uncleared_cents BIGINT,
  reported_at DATETIME,
  created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))
);
CREATE UNIQUE INDEX uq_account_balances_result_account ON account_balances (daraja_result_id, account_type);
CREATE INDEX ix_account_balances_account ON account_balances (account_type, created_at);

CREATE TABLE low_balance_state (
  account_type VARCHAR(60) NOT NULL PRIMARY KEY,
  below INTEGER NOT NULL DEFAULT 0,
  crossings INTEGER NOT NULL DEFAULT 0,
  available_cents BIGINT,
  updated_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))
);

CREATE TABLE b2c_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  originator_conversation_id VARCHAR(100) NOT NULL UNIQUE,
  amount DECIMAL(12,2) NOT NULL,
  phone VARCHAR(20) NOT NULL,
  purpose VARCHAR(255),
  created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))
);

ALTER TABLE notifications ADD COLUMN daraja_result_id BIGINT;
CREATE UNIQUE INDEX uq_notifications_result_event ON notifications (daraja_result_id, notification_type, recipient, event_key);
