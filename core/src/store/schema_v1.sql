-- Civic phone store, version 1. Times are INTEGER milliseconds since the Unix epoch (UTC).

-- Processed photos (metadata stripped), content-addressed by SHA-256 of the JPEG.
CREATE TABLE photo (
    hash        TEXT PRIMARY KEY NOT NULL,
    jpeg        BLOB NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

-- Reports being written. Every field may be empty until "send".
CREATE TABLE draft (
    id           TEXT PRIMARY KEY NOT NULL,
    category     TEXT,
    lat          REAL,
    lon          REAL,
    accuracy_m   REAL,
    fix_source   TEXT,
    fixed_at     INTEGER,
    description  TEXT NOT NULL DEFAULT '',
    anonymous    INTEGER NOT NULL DEFAULT 0,
    answers      TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE draft_photo (
    draft_id    TEXT NOT NULL REFERENCES draft(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    photo_hash  TEXT NOT NULL REFERENCES photo(hash),
    hints       TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (draft_id, position),
    UNIQUE (draft_id, photo_hash)
) STRICT;

-- Reports the citizen has sent: queued in the outbox, or known to the server.
CREATE TABLE report (
    id             TEXT PRIMARY KEY NOT NULL,
    public_number  TEXT,
    category       TEXT NOT NULL,
    lat            REAL NOT NULL,
    lon            REAL NOT NULL,
    accuracy_m     REAL NOT NULL,
    fix_source     TEXT NOT NULL,
    fixed_at       INTEGER NOT NULL,
    district_code  TEXT,
    district_vi    TEXT,
    district_en    TEXT,
    ward_code      TEXT,
    ward_vi        TEXT,
    ward_en        TEXT,
    description    TEXT NOT NULL,
    anonymous      INTEGER NOT NULL,
    answers        TEXT NOT NULL,
    captured_at    INTEGER NOT NULL,
    status         TEXT NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX report_by_capture ON report (captured_at DESC, id DESC);
CREATE INDEX report_by_status ON report (status, captured_at DESC, id DESC);

CREATE TABLE report_photo (
    report_id   TEXT NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    photo_hash  TEXT NOT NULL REFERENCES photo(hash),
    PRIMARY KEY (report_id, position)
) STRICT;

CREATE TABLE timeline_event (
    id            TEXT PRIMARY KEY NOT NULL,
    report_id     TEXT NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    status        TEXT,
    note          TEXT,
    photo_hash    TEXT,
    duplicate_of  TEXT
) STRICT;

CREATE INDEX timeline_by_report ON timeline_event (report_id, at);

-- What still has to reach the server. A row leaves when the server acknowledged it.
CREATE TABLE outbox (
    report_id        TEXT PRIMARY KEY NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    queued_at        INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER,
    last_error       TEXT,
    permanent_error  TEXT
) STRICT;

-- Where each pull left off.
CREATE TABLE sync_cursor (
    scope       TEXT PRIMARY KEY NOT NULL,
    cursor      TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
