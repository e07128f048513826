-- Version 7: a joined campaign called off is announced to the resident once.
ALTER TABLE campaign_membership ADD COLUMN called_off_told INTEGER NOT NULL DEFAULT 0;
