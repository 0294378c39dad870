-- Every request to a callback route gets an id when it arrives; a replay from the spool is recognised by it.
ALTER TABLE callback_logs ADD COLUMN request_id CHAR(36);
CREATE UNIQUE INDEX uq_callback_logs_request_id ON callback_logs (request_id);
