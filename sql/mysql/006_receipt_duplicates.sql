-- The original server let two rows share a receipt (its test_callback.py, run twice, writes that); 002 makes the
-- receipt unique. So this file runs before 002 (see migrations.ts): of the rows that share a receipt, the first
-- keeps it, and each later one keeps it aside, with the id of the row that kept it. No row or value is lost, and
-- `migrate` lists the rows it changed. On a database past 002 nothing shares a receipt and this only adds columns.

ALTER TABLE transactions
  ADD COLUMN duplicate_receipt_number VARCHAR(50) NULL
    COMMENT 'a receipt this row shared with row duplicate_of_id, set aside by mpesa-cb migrate so that receipts are unique',
  ADD COLUMN duplicate_of_id INT NULL COMMENT 'the row that kept duplicate_receipt_number';

-- Grouped as the unique key compares (by the column's collation). An empty string is the original server's "no
-- receipt", which 002 turns into NULL. updated_at keeps its value: the payment did not change.
UPDATE transactions t
  JOIN (SELECT mpesa_receipt_number AS receipt, MIN(id) AS kept_by FROM transactions
        WHERE mpesa_receipt_number <> '' GROUP BY mpesa_receipt_number HAVING COUNT(*) > 1) d
    ON t.mpesa_receipt_number = d.receipt AND t.id <> d.kept_by
  SET t.duplicate_receipt_number = t.mpesa_receipt_number, t.duplicate_of_id = d.kept_by, t.updated_at = t.updated_at;

-- A statement of its own: MySQL does not promise the order of a multi-table UPDATE's assignments.
UPDATE transactions SET mpesa_receipt_number = NULL, updated_at = updated_at WHERE duplicate_receipt_number IS NOT NULL;
