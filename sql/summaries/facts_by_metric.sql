-- Published facts per metric (category is its roll-up): how many name a subject and a topic.
-- table: numeric_facts
SELECT quantity_kind, category, metric, count(*) AS facts, count(subject) AS with_subject,
       count(topic) AS with_topic, count(DISTINCT doc_id) AS documents
FROM numeric_facts
GROUP BY ALL
ORDER BY quantity_kind, category, metric;
