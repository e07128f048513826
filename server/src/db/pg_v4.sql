-- Version 4: Green Sunday clean-up campaigns, their teams and members, and the spots
-- reported during them.
CREATE TABLE campaign (
    id              TEXT PRIMARY KEY NOT NULL,
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    starts_at       BIGINT NOT NULL,
    ends_at         BIGINT NOT NULL,
    areas           TEXT NOT NULL,           -- comma-separated district or ward codes
    meeting_points  TEXT NOT NULL,           -- JSON
    categories      TEXT NOT NULL,           -- comma-separated category codes
    goal_spots      BIGINT,
    handed_over_at  BIGINT,                 -- when the spots left became reports
    created_at      BIGINT NOT NULL
);

CREATE TABLE campaign_team (
    id           TEXT PRIMARY KEY NOT NULL,
    campaign_id  TEXT NOT NULL REFERENCES campaign(id),
    name         TEXT NOT NULL,
    UNIQUE (campaign_id, name)
);

CREATE TABLE campaign_member (
    campaign_id  TEXT NOT NULL REFERENCES campaign(id),
    device_id    TEXT NOT NULL REFERENCES device(id),
    team_id      TEXT REFERENCES campaign_team(id),
    joined_at    BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, device_id)
);

CREATE TABLE spot (
    id           TEXT PRIMARY KEY NOT NULL,  -- the phone's UUID: sending again is harmless
    campaign_id  TEXT NOT NULL REFERENCES campaign(id),
    category     TEXT NOT NULL,
    lat          DOUBLE PRECISION NOT NULL,
    lon          DOUBLE PRECISION NOT NULL,
    accuracy_m   DOUBLE PRECISION NOT NULL,
    ward_code    TEXT,
    ward_vi      TEXT,
    ward_en      TEXT,
    photo_hash   TEXT NOT NULL,
    device_id    TEXT NOT NULL,              -- never shown
    team_id      TEXT,                       -- the reporter's team at the time
    reported_at  BIGINT NOT NULL,
    merged_into  TEXT,                       -- a spot of the same place reported first
    status       TEXT NOT NULL,              -- reported | claimed | cleaned | handed_over | merged
    claimed_by   TEXT,                       -- team
    after_photo  TEXT,
    kg           DOUBLE PRECISION,
    cleaned_at   BIGINT,
    cleaned_by   TEXT,                       -- team (NULL: a member without one)
    report_id    TEXT,                       -- handed over as this report
    version      BIGINT NOT NULL            -- the change counter when it last changed
);

CREATE INDEX spot_by_campaign ON spot (campaign_id, version);
CREATE INDEX spot_by_place ON spot (campaign_id, lat, lon);
CREATE INDEX spot_by_merged ON spot (merged_into);
