-- Entities a subject can name, per type, with how many published facts name one of them.
-- table: entities
SELECT e.type, count(*) AS entities, count(*) FILTER (WHERE e.name IN (SELECT subject FROM numeric_facts))
       AS named_by_facts
FROM entities AS e
GROUP BY ALL
ORDER BY e.type;
