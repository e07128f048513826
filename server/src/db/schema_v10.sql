-- Version 10: the answers kept for retried writes. A client that sends an Idempotency-Key
-- with a POST or PATCH gets the first answer back when it sends the same request again (its
-- answer was lost); `status` is 0 while the first request still runs.
CREATE TABLE idempotency (
    scope         TEXT NOT NULL,          -- SHA-256 of the caller's credentials
    key           TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,          -- SHA-256 of method, path and body
    status        INTEGER NOT NULL,
    content_type  TEXT,
    location      TEXT,
    body          BLOB,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;
CREATE INDEX idempotency_by_age ON idempotency (created_at);
