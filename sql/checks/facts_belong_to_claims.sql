-- Every published fact states at least one claim (a claim of one document is "single").
-- table: claim_facts
SELECT f.fact_id, f.doc_id
FROM numeric_facts AS f
ANTI JOIN claim_facts AS cf USING (fact_id);
