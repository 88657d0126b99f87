-- Every fact belongs to a published document.
-- table: numeric_facts
SELECT f.fact_id, f.doc_id
FROM numeric_facts AS f
ANTI JOIN documents AS d USING (doc_id);
