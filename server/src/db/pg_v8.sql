-- Version 8: Huế's 40 wards and communes of 2025 replace its districts. A report's place is
-- its ward; those stored before are placed by their point when the server starts
-- (`places::move_to_current_units`). The district columns keep what was shown before.
ALTER TABLE report ADD COLUMN ward_code TEXT;
ALTER TABLE report ADD COLUMN ward_vi TEXT;
ALTER TABLE report ADD COLUMN ward_en TEXT;
CREATE INDEX report_by_ward ON report (ward_code);
