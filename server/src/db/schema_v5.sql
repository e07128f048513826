-- Version 5: a campaign's area may be drawn on the map: a closed ring of [lat, lon] corners
-- (JSON); `areas` then holds the districts it touches.
ALTER TABLE campaign ADD COLUMN polygon TEXT;
