-- Version 12: writes commit side by side, so the change log is read in an order that cannot
-- change behind a reader: each change names the transaction that wrote it (its xid8), and
-- a device reads only changes of transactions older than every one still running (its
-- snapshot's xmin), in (tx, seq) order. The changes written before, in commit order under
-- the old global write lock, get tx 0: they come first, in seq order, as they did.
ALTER TABLE change_log ADD COLUMN tx xid8 NOT NULL DEFAULT '0';
ALTER TABLE change_log ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
CREATE INDEX change_by_position ON change_log (tx, seq);
