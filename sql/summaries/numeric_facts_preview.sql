-- The first published facts, for the catalog's preview.
-- table: numeric_facts
SELECT d.source_file, f.quantity_kind, f.value, f.value_high, f.unit, f.value_usd, f.category, f.metric, f.subject,
       f.qualifier, f.year, f.text
FROM numeric_facts AS f
JOIN documents AS d USING (doc_id)
ORDER BY d.source_file, f.start_char
LIMIT 10;
