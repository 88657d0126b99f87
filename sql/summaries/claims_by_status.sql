-- Claims per status and metric: how many figures several documents state, and how many of those disagree.
-- table: claims
SELECT status, metric, count(*) AS claims, sum(documents) AS document_mentions, max(documents) AS most_documents
FROM claims
GROUP BY status, metric
ORDER BY CASE status WHEN 'conflict' THEN 0 WHEN 'corroborated' THEN 1 ELSE 2 END, claims DESC, metric;
