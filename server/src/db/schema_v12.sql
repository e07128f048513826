-- Version 12: the change log's transaction column, as PostgreSQL has it (where writes commit
-- side by side and a change names the transaction that wrote it). SQLite has one writer, so
-- its sequence is already in commit order: every change here keeps tx 0.
ALTER TABLE change_log ADD COLUMN tx INTEGER NOT NULL DEFAULT 0;
