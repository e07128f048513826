-- Version 6: a campaign may be called off (rain, a storm warning): when, and why, in the
-- residents' language.
ALTER TABLE campaign ADD COLUMN cancelled_at INTEGER;
ALTER TABLE campaign ADD COLUMN cancel_reason TEXT;
