-- Every fact's subject is an entity the lexicon knows (entities.name).
-- table: numeric_facts
SELECT f.fact_id, f.subject
FROM numeric_facts AS f
WHERE f.subject IS NOT NULL
  AND f.subject NOT IN (SELECT name FROM entities);
