-- Version 3: warnings on the phone. The resident's subscription and places (never sent to
-- the server), the alert inbox with every version received, the notifications to show, and
-- the warnings each report was filed under.

-- The subscription: at most one row. Topics are a JSON array of topic codes (empty: all).
CREATE TABLE alert_subscription (
    id                INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    current_position  INTEGER NOT NULL,
    topics            TEXT NOT NULL,
    min_severity      TEXT NOT NULL,
    quiet_start       INTEGER,
    quiet_end         INTEGER,
    language          TEXT NOT NULL
) STRICT;

-- Saved places: a point and a radius, or a district or ward by code.
CREATE TABLE alert_place (
    name       TEXT PRIMARY KEY NOT NULL,
    position   INTEGER NOT NULL,
    lat        REAL,
    lon        REAL,
    radius_m   REAL,
    area_code  TEXT,
    CHECK ((area_code IS NULL) = (lat IS NOT NULL AND lon IS NOT NULL AND radius_m IS NOT NULL))
) STRICT;

-- "Where I am now": the last position only, overwritten, deleted when not followed.
CREATE TABLE alert_position (
    id   INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    lat  REAL NOT NULL,
    lon  REAL NOT NULL,
    at   INTEGER NOT NULL
) STRICT;

-- One row per warning chain (AlertView::id): its latest view as received. `state` is what
-- the server said; "expired" is also computed against the clock from `expires_at`.
-- `concerns`: the chain concerns the resident (or was notified to them). `notified_severity`:
-- the highest severity the resident was notified at (NULL: never notified).
CREATE TABLE alert (
    id                 TEXT PRIMARY KEY NOT NULL,
    version            INTEGER NOT NULL,
    state              TEXT NOT NULL,
    cap_status         TEXT NOT NULL,
    severity           TEXT NOT NULL,
    expires_at         INTEGER,
    updated_at         INTEGER NOT NULL,
    received_at        INTEGER NOT NULL,
    view               TEXT NOT NULL,
    concerns           INTEGER NOT NULL DEFAULT 0,
    read               INTEGER NOT NULL DEFAULT 0,
    notified_severity  TEXT,
    notified_at        INTEGER
) STRICT;

CREATE INDEX alert_by_update ON alert (updated_at DESC, id DESC);

-- Every version of a chain received, oldest first by version.
CREATE TABLE alert_version (
    alert_id     TEXT NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    state        TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    message      TEXT NOT NULL,
    cancel_note  TEXT,
    PRIMARY KEY (alert_id, version)
) STRICT;

-- Warnings to show, at most one per version of a chain; `delivered` once handed to the app.
CREATE TABLE alert_notification (
    alert_id   TEXT NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    severity   TEXT NOT NULL,
    loud       INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    delivered  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (alert_id, version)
) STRICT;

CREATE INDEX alert_notification_pending ON alert_notification (delivered, at);

-- The warnings active where a report was filed, when it was sent (ids as the server knows
-- them; the chain may since have left the inbox).
CREATE TABLE report_alert (
    report_id  TEXT NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    alert_id   TEXT NOT NULL,
    PRIMARY KEY (report_id, alert_id)
) STRICT;
