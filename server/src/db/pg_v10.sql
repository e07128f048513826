-- Version 10: the answers kept for retried writes. A client that sends an Idempotency-Key
-- with a POST or PATCH gets the first answer back when it sends the same request again (its
-- answer was lost); `status` is 0 while the first request still runs.
CREATE TABLE idempotency (
    scope         TEXT NOT NULL,
    key           TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    status        BIGINT NOT NULL,
    content_type  TEXT,
    location      TEXT,
    body          BYTEA,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
