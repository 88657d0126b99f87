-- Generated from pipelines/schema/tables.py::NumericFacts by `python -m pipelines.schema.ddl --write`.
-- Do not edit by hand: change the Pandera model and regenerate.
CREATE TABLE numeric_facts (
    fact_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL REFERENCES documents (doc_id),
    quantity_kind VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    value_high DOUBLE NOT NULL,
    unit VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    qualifier VARCHAR NOT NULL,
    year INTEGER,
    text VARCHAR NOT NULL,
    start_char BIGINT NOT NULL,
    end_char BIGINT NOT NULL,
    sentence VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    subject VARCHAR,
    metric VARCHAR NOT NULL,
    topic VARCHAR,
    value_usd DOUBLE,
    value_high_usd DOUBLE,
    fx_rate_date DATE,
    subject_text VARCHAR,
    subject_start BIGINT,
    subject_end BIGINT,
    metric_cue VARCHAR,
    metric_cue_start BIGINT,
    metric_cue_end BIGINT,
    PRIMARY KEY (fact_id)
);
COMMENT ON TABLE numeric_facts IS 'One row per numeric fact (GUIDELINES.md), grounded in a span of its document''s body.';
COMMENT ON COLUMN numeric_facts.fact_id IS 'Stable key: hash of doc and span';
COMMENT ON COLUMN numeric_facts.doc_id IS 'The document';
COMMENT ON COLUMN numeric_facts.quantity_kind IS 'money, percent, people or multiple';
COMMENT ON COLUMN numeric_facts.value IS 'Normalised value (low end of a range), in `unit`';
COMMENT ON COLUMN numeric_facts.value_high IS 'High end of a range; equals value for a single number';
COMMENT ON COLUMN numeric_facts.unit IS 'ISO 4217 code for money, % for percent, persons, x for multiple';
COMMENT ON COLUMN numeric_facts.category IS 'What the quantity measures';
COMMENT ON COLUMN numeric_facts.qualifier IS 'exact, approx, over, under or up_to';
COMMENT ON COLUMN numeric_facts.year IS 'Year the quantity refers to: named in its sentence, else a relative year (去年, this year) resolved against the publication date';
COMMENT ON COLUMN numeric_facts.text IS 'The exact span of the body';
COMMENT ON COLUMN numeric_facts.start_char IS 'Start of the span in body, in code points (0-based)';
COMMENT ON COLUMN numeric_facts.end_char IS 'End of the span in body, exclusive';
COMMENT ON COLUMN numeric_facts.sentence IS 'The sentence around the span';
COMMENT ON COLUMN numeric_facts.extractor_version IS 'Version of the engine and lexicons that found the fact';
COMMENT ON COLUMN numeric_facts.subject IS 'Whose quantity: the owning entity''s canonical English name (entities.name), empty when the text names no owner or it is a world total';
COMMENT ON COLUMN numeric_facts.metric IS 'What is measured (one of 25, pipelines/vocabulary/vocabulary.yaml); category is its roll-up';
COMMENT ON COLUMN numeric_facts.topic IS 'The goods, technology or sector, if named';
COMMENT ON COLUMN numeric_facts.value_usd IS 'Money: value in US dollars at the annual average rate of fx_rate_date''s year; empty for other kinds or a currency without a rate';
COMMENT ON COLUMN numeric_facts.value_high_usd IS 'Money: value_high in US dollars';
COMMENT ON COLUMN numeric_facts.fx_rate_date IS 'Last day covered by the annual average rate used (fx_rates.rate_date); empty for USD and non-money';
COMMENT ON COLUMN numeric_facts.subject_text IS 'The words of the body that named the subject';
COMMENT ON COLUMN numeric_facts.subject_start IS 'Start of subject_text in body';
COMMENT ON COLUMN numeric_facts.subject_end IS 'End of subject_text in body, exclusive';
COMMENT ON COLUMN numeric_facts.metric_cue IS 'The words of the body that chose the metric; empty when the kind''s default applied';
COMMENT ON COLUMN numeric_facts.metric_cue_start IS 'Start of metric_cue in body';
COMMENT ON COLUMN numeric_facts.metric_cue_end IS 'End of metric_cue in body, exclusive';
