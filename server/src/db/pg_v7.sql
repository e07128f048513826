-- Version 7: a console session ends after a while unused (a shared desk at the operations
-- centre); the API's sessions (officials' phones) do not.
ALTER TABLE session ADD COLUMN idle_secs BIGINT;
ALTER TABLE session ADD COLUMN last_seen_at BIGINT;
