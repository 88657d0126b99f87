-- BI view: a claim's values by the publication date of the documents that state them, one
-- row per fact (chart a claim over time: published_at on x, value or value_usd on y).
-- view: A claim's values by the publication date of the documents that state them, one row per fact: chart a claim over time.
-- column claim_year: The claim's year (claims.year), empty when no fact states one
-- column claim_status: The claim's status (claims.status): single, corroborated or conflict
CREATE OR REPLACE VIEW claim_timeline AS
SELECT
    c.claim_id,
    c.subject,
    c.metric,
    c.aspect,
    c.topic,
    c.unit,
    c.year AS claim_year,
    c.status AS claim_status,
    d.published_at,
    d.source_file,
    d.publisher,
    d.language,
    f.fact_id,
    f.value,
    f.value_high,
    f.qualifier,
    f.value_usd,
    f.value_high_usd,
    f.text,
    f.sentence
FROM claims AS c
JOIN claim_facts AS cf ON cf.claim_id = c.claim_id
JOIN numeric_facts AS f ON f.fact_id = cf.fact_id
JOIN documents AS d ON d.doc_id = cf.doc_id
ORDER BY c.claim_id, d.published_at NULLS LAST, f.fact_id;
