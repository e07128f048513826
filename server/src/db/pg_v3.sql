-- Version 3: warnings (CAP 1.2). An alert chain is the first Alert message and the Updates
-- and Cancel that follow it; `alert` holds where the chain stands, `alert_message` every
-- message as received (the CAP documents are rebuilt from it).
CREATE TABLE alert (
    id           TEXT PRIMARY KEY NOT NULL,   -- the first message's CAP identifier
    version      BIGINT NOT NULL,            -- messages in the chain
    state        TEXT NOT NULL,               -- 'active' | 'cancelled' (expiry is computed)
    status       TEXT NOT NULL,               -- CAP status of the latest message
    severity     TEXT NOT NULL,
    expires_at   BIGINT,                     -- NULL: no end given
    updated_at   BIGINT NOT NULL,
    message      TEXT NOT NULL,               -- JSON of the latest Alert or Update
    cancel_note  TEXT
);

CREATE INDEX alert_by_state ON alert (state, updated_at DESC);

CREATE TABLE alert_message (
    identifier   TEXT PRIMARY KEY NOT NULL,
    sender       TEXT NOT NULL,
    alert_id     TEXT NOT NULL REFERENCES alert(id),
    position     BIGINT NOT NULL,            -- 1 for the first message of the chain
    msg_type     TEXT NOT NULL,
    sent         BIGINT NOT NULL,
    json         TEXT NOT NULL,
    received_at  BIGINT NOT NULL
);

CREATE INDEX alert_message_by_chain ON alert_message (alert_id, position);

-- Reports the phone filed inside an active warning's area.
CREATE TABLE report_alert (
    report_id  TEXT NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    alert_id   TEXT NOT NULL REFERENCES alert(id),
    PRIMARY KEY (report_id, alert_id)
);

CREATE INDEX report_alert_by_alert ON report_alert (alert_id);

-- How to wake a device for a warning: its push token and coarse cells (never its places).
CREATE TABLE push_registration (
    device_id     TEXT PRIMARY KEY NOT NULL REFERENCES device(id) ON DELETE CASCADE,
    registration  TEXT NOT NULL,              -- JSON of protocol::PushRegistration
    updated_at    BIGINT NOT NULL
);
