-- BI view: each pair of facts from two documents whose values contradict one claim
-- (GUIDELINES.md "Claims": their intervals do not meet), side by side. One row per pair.
-- view: Each pair of facts from two documents whose values contradict one claim (their intervals do not meet), side by side with both sentences, documents and dates; one row per pair.
-- The file stem is the view's name; columns named like a published column mean what its
-- model says, the others are described below.
-- column value_a: The first fact's value (low end of a range), in unit
-- column value_high_a: The first fact's high end, in unit
-- column qualifier_a: The first fact's qualifier
-- column value_usd_a: The first fact's value in US dollars (money)
-- column text_a: The first fact's span of its body
-- column sentence_a: The sentence around the first fact
-- column fact_id_a: The first fact (numeric_facts.fact_id)
-- column source_file_a: The first fact's document file
-- column published_at_a: The first fact's document publication time
-- column language_a: The first fact's document language
-- column value_b: The second fact's value (low end of a range), in unit
-- column value_high_b: The second fact's high end, in unit
-- column qualifier_b: The second fact's qualifier
-- column value_usd_b: The second fact's value in US dollars (money)
-- column text_b: The second fact's span of its body
-- column sentence_b: The sentence around the second fact
-- column fact_id_b: The second fact (numeric_facts.fact_id)
-- column source_file_b: The second fact's document file
-- column published_at_b: The second fact's document publication time
-- column language_b: The second fact's document language
-- column claim_year: The claim's year (claims.year), empty when no fact states one
CREATE OR REPLACE VIEW claim_conflicts AS
SELECT
    c.claim_id,
    c.subject,
    c.metric,
    c.aspect,
    c.topic,
    c.unit,
    c.year AS claim_year,
    fa.value AS value_a,
    fa.value_high AS value_high_a,
    fa.qualifier AS qualifier_a,
    fa.value_usd AS value_usd_a,
    fa.text AS text_a,
    fa.sentence AS sentence_a,
    fa.fact_id AS fact_id_a,
    da.source_file AS source_file_a,
    da.published_at AS published_at_a,
    da.language AS language_a,
    fb.value AS value_b,
    fb.value_high AS value_high_b,
    fb.qualifier AS qualifier_b,
    fb.value_usd AS value_usd_b,
    fb.text AS text_b,
    fb.sentence AS sentence_b,
    fb.fact_id AS fact_id_b,
    db.source_file AS source_file_b,
    db.published_at AS published_at_b,
    db.language AS language_b
FROM claims AS c
JOIN claim_facts AS a ON a.claim_id = c.claim_id
JOIN claim_facts AS b ON b.claim_id = c.claim_id AND a.doc_id < b.doc_id
JOIN numeric_facts AS fa ON fa.fact_id = a.fact_id
JOIN numeric_facts AS fb ON fb.fact_id = b.fact_id
JOIN documents AS da ON da.doc_id = a.doc_id
JOIN documents AS db ON db.doc_id = b.doc_id
WHERE c.status = 'conflict'
  AND (coalesce(a.interval_high, 'infinity'::DOUBLE) < coalesce(b.interval_low, '-infinity'::DOUBLE)
       OR coalesce(b.interval_high, 'infinity'::DOUBLE) < coalesce(a.interval_low, '-infinity'::DOUBLE));
