-- Version 2: what sync needs beyond the outbox.

-- Changes from the city the app should show (one row per timeline event, so a change is
-- announced once however many times it is pulled).
CREATE TABLE notification (
    event_id       TEXT PRIMARY KEY NOT NULL,
    report_id      TEXT NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    public_number  TEXT,
    status         TEXT,
    note           TEXT,
    at             INTEGER NOT NULL,
    seen           INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX notification_unseen ON notification (seen, at);

-- Small settings: the device's registration, the last sync's outcome.
CREATE TABLE setting (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
) STRICT;
