-- Generated from pipelines/schema/tables.py::ClaimFacts by `python -m pipelines.schema.ddl --write`.
-- Do not edit by hand: change the Pandera model and regenerate.
CREATE TABLE claim_facts (
    claim_id VARCHAR NOT NULL REFERENCES claims (claim_id),
    fact_id VARCHAR NOT NULL REFERENCES numeric_facts (fact_id),
    doc_id VARCHAR NOT NULL REFERENCES documents (doc_id),
    interval_low DOUBLE,
    interval_high DOUBLE,
    PRIMARY KEY (claim_id, fact_id)
);
COMMENT ON TABLE claim_facts IS 'Which facts state which claim, with the interval each fact''s value and qualifier allow.';
COMMENT ON COLUMN claim_facts.claim_id IS 'The claim';
COMMENT ON COLUMN claim_facts.fact_id IS 'A fact that states it';
COMMENT ON COLUMN claim_facts.doc_id IS 'The fact''s document';
COMMENT ON COLUMN claim_facts.interval_low IS 'Lowest value the fact allows (exact -0.5 %, approx -10 %); empty when open below (under, up_to)';
COMMENT ON COLUMN claim_facts.interval_high IS 'Highest value the fact allows; empty when open above (over)';
