-- Quarantined files per stage, with the most recent first detection.
-- table: quarantine
SELECT stage, count(*) AS files, max(detected_at) AS latest_detection
FROM quarantine
GROUP BY ALL
ORDER BY stage;
