-- Version 5: Green Sunday on the phone. What the resident did for a campaign without a
-- connection (joined, reported a spot, claimed one, cleaned one), kept until the server has
-- it, photos already made small and stripped; and the campaign's live map as last pulled.
CREATE TABLE campaign_action (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id  TEXT NOT NULL,
    action       TEXT NOT NULL,              -- JSON of campaign::CampaignAction
    photo        BLOB,
    photo_hash   TEXT,
    queued_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE campaign_spot (
    campaign_id  TEXT NOT NULL,
    id           TEXT NOT NULL,
    spot         TEXT NOT NULL,              -- JSON of campaign::Spot
    PRIMARY KEY (campaign_id, id)
) STRICT;

CREATE TABLE campaign_cursor (
    campaign_id  TEXT PRIMARY KEY NOT NULL,
    cursor       INTEGER NOT NULL
) STRICT;
