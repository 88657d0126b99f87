-- Every claim's counts are those of its claim_facts rows, and every claim has facts.
-- table: claims
SELECT c.claim_id, c.facts, c.documents, count(cf.fact_id) AS linked_facts, count(DISTINCT cf.doc_id) AS linked_documents
FROM claims AS c
LEFT JOIN claim_facts AS cf USING (claim_id)
GROUP BY c.claim_id, c.facts, c.documents
HAVING count(cf.fact_id) <> c.facts OR count(DISTINCT cf.doc_id) <> c.documents;
