-- Version 13: a new report's public number, taken inside the one statement that writes the
-- report (report_create.rs), which runs as its own transaction. The function takes the write
-- lock shared, as every concurrent write does before it writes anything, then the report
-- id's own lock, so that of the same report sent to two processes at once one is numbered
-- and written, and the other waits for it; it then looks for the report with a snapshot
-- taken after that lock (a volatile function's queries each take a fresh one), and answers
-- NULL when the report is there: no number is taken for a report sent again. The year's
-- sequence is made when first needed, from where the year's counter stood.
CREATE FUNCTION civic_report_number(write_lock BIGINT, report_id TEXT, counter_name TEXT, sequence_name TEXT, prefix TEXT)
RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n TEXT;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(write_lock);
    -- Two-key locks (a key space apart from the one-key write lock): class 1, report ids.
    PERFORM pg_advisory_xact_lock(1, hashtext(report_id));
    IF EXISTS (SELECT 1 FROM report WHERE report.id = report_id) THEN
        RETURN NULL;
    END IF;
    IF to_regclass(sequence_name) IS NULL THEN
        -- Class 2: sequences being made; processes making one at once take turns.
        PERFORM pg_advisory_xact_lock(2, hashtext(sequence_name));
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', sequence_name,
            (SELECT COALESCE(MAX(value), 0) + 1 FROM counter WHERE name = counter_name));
    END IF;
    n := CAST(nextval(CAST(sequence_name AS regclass)) AS TEXT);
    RETURN prefix || lpad(n, greatest(6, length(n)), '0');
END
$$;
