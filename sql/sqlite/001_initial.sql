-- The embedded database, created in the same shape that the MySQL migrations 001 and 002 reach.
-- Column names are the original server's; statuses are checked like MySQL's ENUMs.

CREATE TABLE transactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  checkout_request_id VARCHAR(100) NOT NULL UNIQUE,
  merchant_request_id VARCHAR(100),
  result_code VARCHAR(20),
  result_desc VARCHAR(255),
  amount DECIMAL(10,2),
  mpesa_receipt_number VARCHAR(50) UNIQUE,
  phone_number VARCHAR(15),
  transaction_date DATETIME,
  status VARCHAR(20) NOT NULL DEFAULT 'Pending'
    CHECK (status IN ('Pending','Success','Failed','Cancelled','Timeout','Expired','Unknown')),
  superseded_status VARCHAR(20),
  conflict_count INTEGER NOT NULL DEFAULT 0,
  last_conflict_code VARCHAR(20),
  last_conflict_at DATETIME,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  telegram_chat_id BIGINT NOT NULL UNIQUE,
  telegram_username VARCHAR(100),
  phone_number VARCHAR(15),
  first_name VARCHAR(100),
  last_name VARCHAR(100),
  is_active BOOLEAN NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE payment_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER REFERENCES users (id),
  checkout_request_id VARCHAR(100) NOT NULL UNIQUE,
  merchant_request_id VARCHAR(100),
  phone_number VARCHAR(15),
  amount DECIMAL(10,2),
  account_reference VARCHAR(100),
  transaction_desc VARCHAR(255),
  status VARCHAR(20) NOT NULL DEFAULT 'Initiated'
    CHECK (status IN ('Initiated','Pending','Completed','Failed','Cancelled')),
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE callback_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  checkout_request_id VARCHAR(100),
  raw_payload TEXT,
  result_code VARCHAR(20),
  result_desc VARCHAR(255),
  processed BOOLEAN NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  received_at DATETIME,
  source_ip VARCHAR(45),
  route VARCHAR(200),
  http_status SMALLINT,
  outcome VARCHAR(20),
  problems TEXT
);
CREATE INDEX ix_callback_logs_checkout_request_id ON callback_logs (checkout_request_id);
CREATE INDEX ix_callback_logs_received_at ON callback_logs (received_at);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id INTEGER REFERENCES transactions (id),
  notification_type VARCHAR(10) NOT NULL CHECK (notification_type IN ('admin','user','receipt')),
  recipient VARCHAR(100),
  message TEXT,
  status VARCHAR(10) NOT NULL,
  error_message TEXT,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
