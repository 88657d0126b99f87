-- A fact linked to a claim states it: same subject, metric, topic and unit, and the claim's
-- year where the fact names one; its document is the fact's.
-- table: claim_facts
SELECT cf.claim_id, cf.fact_id
FROM claim_facts AS cf
JOIN claims AS c USING (claim_id)
JOIN numeric_facts AS f USING (fact_id)
WHERE f.subject IS DISTINCT FROM c.subject
   OR f.metric <> c.metric
   OR f.topic IS DISTINCT FROM c.topic
   OR f.unit <> c.unit
   OR (f.year IS NOT NULL AND f.year IS DISTINCT FROM c.year)
   OR f.doc_id <> cf.doc_id;
