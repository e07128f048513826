-- civic-server, SQLite schema version 1. Times are INTEGER milliseconds since the epoch (UTC).

CREATE TABLE unit (
    code     TEXT PRIMARY KEY NOT NULL,
    name_vi  TEXT NOT NULL,
    name_en  TEXT NOT NULL
) STRICT;

-- Citizens' devices. Their tokens are stored only as SHA-256 hashes.
CREATE TABLE device (
    id            TEXT PRIMARY KEY NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    platform      TEXT,
    app_version   TEXT,
    display_name  TEXT,
    phone         TEXT,
    email         TEXT,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE official (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,          -- argon2id PHC string
    roles          TEXT NOT NULL,          -- comma-separated
    units          TEXT NOT NULL,          -- comma-separated unit codes
    created_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE session (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    official_id  INTEGER NOT NULL REFERENCES official(id) ON DELETE CASCADE,
    expires_at   INTEGER NOT NULL
) STRICT;

-- Photos by the hash of the bytes the client sent; the file kept is `stored_hash`.
CREATE TABLE photo (
    hash         TEXT PRIMARY KEY NOT NULL,
    stored_hash  TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE counter (
    name   TEXT PRIMARY KEY NOT NULL,
    value  INTEGER NOT NULL
) STRICT;

CREATE TABLE report (
    id             TEXT PRIMARY KEY NOT NULL,   -- the client's UUIDv7: idempotency key
    public_number  TEXT NOT NULL UNIQUE,
    device_id      TEXT NOT NULL REFERENCES device(id),
    body_hash      TEXT NOT NULL,               -- SHA-256 of the submission, to spot a reused id
    category       TEXT NOT NULL,
    unit           TEXT NOT NULL,
    lat            REAL NOT NULL,
    lon            REAL NOT NULL,
    accuracy_m     REAL NOT NULL,
    fix_source     TEXT NOT NULL,
    fixed_at       INTEGER NOT NULL,
    district_code  TEXT,
    district_vi    TEXT,
    district_en    TEXT,
    near_edge      INTEGER NOT NULL,
    description    TEXT NOT NULL,
    anonymous      INTEGER NOT NULL,
    answers        TEXT NOT NULL,
    captured_at    INTEGER NOT NULL,
    received_at    INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    due_at         INTEGER NOT NULL,
    outcome_at     INTEGER,
    status         TEXT NOT NULL,
    flagged        INTEGER NOT NULL DEFAULT 0,
    duplicate_of   TEXT
) STRICT;

CREATE INDEX report_by_device ON report (device_id, received_at DESC);
CREATE INDEX report_by_unit ON report (unit, status, due_at);
CREATE INDEX report_by_received ON report (received_at DESC, id DESC);
CREATE INDEX report_by_place ON report (lat, lon);

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
    actor_id      TEXT,                          -- never shown in public
    status        TEXT,
    note          TEXT,
    photo_hash    TEXT,
    duplicate_of  TEXT
) STRICT;

CREATE INDEX timeline_by_report ON timeline_event (report_id, at);

CREATE TABLE rating (
    report_id  TEXT PRIMARY KEY NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    stars      INTEGER NOT NULL,
    comment    TEXT,
    at         INTEGER NOT NULL
) STRICT;

CREATE TABLE supporter (
    report_id  TEXT NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    device_id  TEXT NOT NULL REFERENCES device(id),
    at         INTEGER NOT NULL,
    PRIMARY KEY (report_id, device_id)
) STRICT;

CREATE TABLE reply_template (
    id        INTEGER PRIMARY KEY,
    title_vi  TEXT NOT NULL,
    title_en  TEXT NOT NULL,
    text_vi   TEXT NOT NULL,
    text_en   TEXT NOT NULL
) STRICT;

-- What each device may pull: one row per timeline event of its reports, in commit order.
CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id  TEXT,                              -- NULL: for every device
    report_id  TEXT,
    event_id   TEXT,
    kind       TEXT NOT NULL
) STRICT;

CREATE INDEX change_by_device ON change_log (device_id, seq);
