-- Version 4: an official's actions made without a connection, kept until the server has them.
-- Sent in `seq` order, per official; the after-photo of a resolution is stored already made
-- small and stripped of metadata.
CREATE TABLE official_action (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    official    TEXT NOT NULL,
    report_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    photo       BLOB,
    photo_hash  TEXT,
    queued_at   INTEGER NOT NULL
) STRICT;
