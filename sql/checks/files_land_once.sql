-- A source file is either a document or quarantined, never both.
-- table: quarantine
SELECT d.source_file
FROM documents AS d
JOIN quarantine AS q USING (source_file);
