-- Version 6: Green Sunday, remembered. The campaigns as last listed (shown without a
-- connection), a campaign's summary once it has ended, the campaigns the resident joined
-- (with their team: the reminders come from these), and the spots they reported.
CREATE TABLE campaign (
    id           TEXT PRIMARY KEY NOT NULL,
    campaign     TEXT NOT NULL,              -- JSON of campaign::Campaign
    summary      TEXT,                       -- JSON of campaign::CampaignSummary
    listed_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE campaign_membership (
    campaign_id  TEXT PRIMARY KEY NOT NULL,
    team_id      TEXT,
    team_name    TEXT,
    joined_at    INTEGER NOT NULL,
    confirmed    INTEGER NOT NULL DEFAULT 0  -- the server has the join
) STRICT;

-- The spots the resident reported, with what a report needs: one left uncleaned at the end
-- becomes a report of theirs (same id), which the phone then lists with its own.
CREATE TABLE campaign_my_spot (
    spot_id        TEXT PRIMARY KEY NOT NULL,
    campaign_id    TEXT NOT NULL,
    joined_to      TEXT,                     -- the earlier spot it was merged into
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
    photo_hash     TEXT NOT NULL
) STRICT;
