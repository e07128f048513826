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

CREATE TABLE campaign_my_spot (
    campaign_id  TEXT NOT NULL,
    spot_id      TEXT NOT NULL,
    PRIMARY KEY (campaign_id, spot_id)
) STRICT;
