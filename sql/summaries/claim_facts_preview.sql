-- The first links of claims to facts, conflicts first, with each fact's text.
-- table: claim_facts
SELECT c.status, c.subject, c.metric, c.aspect, f.text, f.value, f.qualifier, cf.interval_low, cf.interval_high
FROM claim_facts AS cf JOIN claims AS c USING (claim_id) JOIN numeric_facts AS f USING (fact_id)
ORDER BY CASE c.status WHEN 'conflict' THEN 0 WHEN 'corroborated' THEN 1 ELSE 2 END, c.claim_id, f.fact_id
LIMIT 20;
