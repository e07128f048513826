-- Version 10: what the citizen says back about a report (a rating of the city's outcome, a
-- reopening, a "me too" on another citizen's report) is kept here first and sent by sync, in
-- order, each with the Idempotency-Key it was given when kept, the same on every try. No
-- foreign key on report_id: a "me too" names a report of someone else, not on this phone.
CREATE TABLE feedback_action (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id        TEXT NOT NULL,
    kind             TEXT NOT NULL,
    action           TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL UNIQUE,
    queued_at        INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    -- Set when the server refused it for good: it is no longer sent, and the citizen is told
    -- once (told = 1 then).
    refused_kind     TEXT,
    refused_reason   TEXT,
    refused_at       INTEGER,
    told             INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX feedback_by_report ON feedback_action (report_id, seq);

-- The reports this phone said "me too" to (kept when delivered, to show it as said).
CREATE TABLE me_too (
    report_id  TEXT PRIMARY KEY NOT NULL,
    said_at    INTEGER NOT NULL
) STRICT;
