-- One meaning per column, as MySQL's 007_transaction_date_utc (see there): transaction_date is Nairobi wall time
-- (UTC+3), transaction_date_utc the same instant in UTC. Every row here was written by mpesa-cb, which stored UTC
-- in transaction_date until this version: move it, and write Nairobi time there.
ALTER TABLE transactions ADD COLUMN transaction_date_utc DATETIME;
UPDATE transactions SET transaction_date_utc = transaction_date, transaction_date = datetime(transaction_date, '+3 hours')
  WHERE transaction_date IS NOT NULL;
