-- Every request to a callback route gets an id when it arrives. A callback kept in the local spool during a database
-- outage is replayed with the same id, so a replay of something that did reach the database is recognised and skipped.
ALTER TABLE callback_logs
  ADD COLUMN request_id CHAR(36) NULL,
  ADD UNIQUE KEY uq_callback_logs_request_id (request_id);
