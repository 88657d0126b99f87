-- Published facts per kind, category and unit: what the warehouse holds at a glance.
-- table: numeric_facts
SELECT quantity_kind, category, unit, count(*) AS facts, count(DISTINCT doc_id) AS documents
FROM numeric_facts
GROUP BY ALL
ORDER BY quantity_kind, category, unit;
