-- The quarantined files with why, for the catalog's preview.
-- table: quarantine
SELECT source_file, stage, reason, detected_at
FROM quarantine
ORDER BY source_file
LIMIT 50;
