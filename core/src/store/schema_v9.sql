-- Version 9: a rating is a typed field of the citizen's rating step, not text to parse. The
-- steps kept before carry their stars in the note ("4★ — comment"): copied once.
ALTER TABLE timeline_event ADD COLUMN rating INTEGER;
UPDATE timeline_event SET rating = CAST(substr(note, 1, 1) AS INTEGER)
 WHERE actor = 'citizen' AND status IS NULL AND note GLOB '[1-5]★*';
