-- The tables of the Python/FastAPI server that mpesa-cb replaces, as that server created them.
-- On a database that server made, every statement here is a no-op; on a new database it lays the same base,
-- so that both kinds go through the same upgrades below.

CREATE TABLE IF NOT EXISTS transactions (
  id INT AUTO_INCREMENT PRIMARY KEY,
  checkout_request_id VARCHAR(100) NOT NULL,
  merchant_request_id VARCHAR(100) NULL,
  result_code INT NULL,
  result_desc VARCHAR(255) NULL,
  amount DECIMAL(10,2) NULL,
  mpesa_receipt_number VARCHAR(50) NULL,
  phone_number VARCHAR(15) NULL,
  transaction_date DATETIME NULL,
  status ENUM('Pending','Success','Failed','Cancelled') NOT NULL DEFAULT 'Pending',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uq_transactions_checkout_request_id (checkout_request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS users (
  id INT AUTO_INCREMENT PRIMARY KEY,
  telegram_chat_id BIGINT NOT NULL,
  telegram_username VARCHAR(100) NULL,
  phone_number VARCHAR(15) NULL,
  first_name VARCHAR(100) NULL,
  last_name VARCHAR(100) NULL,
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uq_users_telegram_chat_id (telegram_chat_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS payment_requests (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NULL,
  checkout_request_id VARCHAR(100) NOT NULL,
  merchant_request_id VARCHAR(100) NULL,
  phone_number VARCHAR(15) NULL,
  amount DECIMAL(10,2) NULL,
  account_reference VARCHAR(100) NULL,
  transaction_desc VARCHAR(255) NULL,
  status ENUM('Initiated','Pending','Completed','Failed','Cancelled') NOT NULL DEFAULT 'Initiated',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uq_payment_requests_checkout_request_id (checkout_request_id),
  CONSTRAINT fk_payment_requests_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS callback_logs (
  id INT AUTO_INCREMENT PRIMARY KEY,
  checkout_request_id VARCHAR(100) NULL,
  raw_payload TEXT NULL,
  result_code INT NULL,
  result_desc VARCHAR(255) NULL,
  processed BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS notifications (
  id INT AUTO_INCREMENT PRIMARY KEY,
  transaction_id INT NULL,
  notification_type ENUM('admin','user','receipt') NOT NULL,
  recipient VARCHAR(100) NULL,
  message TEXT NULL,
  status ENUM('sent','failed') NOT NULL,
  error_message TEXT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT fk_notifications_transaction FOREIGN KEY (transaction_id) REFERENCES transactions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
