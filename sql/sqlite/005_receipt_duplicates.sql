-- The columns MySQL's 006_receipt_duplicates adds for receipts the original server wrote twice (see there). Here the
-- receipt has been unique from the start, so they stay empty; they keep the two dialects' tables alike.
ALTER TABLE transactions ADD COLUMN duplicate_receipt_number VARCHAR(50);
ALTER TABLE transactions ADD COLUMN duplicate_of_id INTEGER;
