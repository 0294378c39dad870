-- One meaning per column. transaction_date keeps the original server's meaning, Nairobi wall time (EAT, UTC+3, as
-- Daraja's TransactionDate reads), for the programs that read the original tables; transaction_date_utc holds the
-- same instant in UTC, and is what mpesa-cb reads.

ALTER TABLE transactions ADD COLUMN transaction_date_utc DATETIME NULL
  COMMENT 'transaction_date as UTC; transaction_date is Nairobi wall time (UTC+3)';

-- Rows whose date an earlier mpesa-cb stored hold UTC in transaction_date: move it, and write Nairobi time there.
-- They are the rows a success callback logged by mpesa-cb (it has an outcome; the original server's logs have none)
-- created or completed. updated_at keeps its value: the payment did not change.
UPDATE transactions t
  SET t.transaction_date_utc = t.transaction_date, t.transaction_date = DATE_ADD(t.transaction_date, INTERVAL 3 HOUR),
      t.updated_at = t.updated_at
  WHERE t.transaction_date IS NOT NULL AND t.transaction_date_utc IS NULL
    AND EXISTS (SELECT 1 FROM callback_logs l WHERE l.checkout_request_id = t.checkout_request_id
                  AND l.outcome IN ('new', 'updated', 'late-success') AND l.result_code = '0');

-- The original server's rows: Nairobi time, 3 hours ahead of UTC all year (Kenya keeps no daylight saving).
UPDATE transactions SET transaction_date_utc = DATE_SUB(transaction_date, INTERVAL 3 HOUR), updated_at = updated_at
  WHERE transaction_date IS NOT NULL AND transaction_date_utc IS NULL;
