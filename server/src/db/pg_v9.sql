-- Version 9: a rating is a typed field of the citizen's rating step, not text to parse. The
-- steps written before carry their stars in the note ("4★ — comment"): copied once.
ALTER TABLE timeline_event ADD COLUMN rating INTEGER;
UPDATE timeline_event SET rating = CAST(split_part(note, '★', 1) AS INTEGER)
 WHERE actor = 'citizen' AND status IS NULL AND note ~ '^[1-5]★';
