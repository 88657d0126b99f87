-- Generated from pipelines/schema/tables.py::Claims by `python -m pipelines.schema.ddl --write`.
-- Do not edit by hand: change the Pandera model and regenerate.
CREATE TABLE claims (
    claim_id VARCHAR NOT NULL,
    subject VARCHAR,
    metric VARCHAR NOT NULL,
    aspect VARCHAR,
    topic VARCHAR,
    unit VARCHAR NOT NULL,
    year INTEGER,
    facts INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    languages INTEGER NOT NULL,
    value_low DOUBLE NOT NULL,
    value_high DOUBLE NOT NULL,
    value_low_usd DOUBLE,
    value_high_usd DOUBLE,
    first_published TIMESTAMP,
    last_published TIMESTAMP,
    status VARCHAR NOT NULL,
    PRIMARY KEY (claim_id)
);
COMMENT ON TABLE claims IS 'One row per claim (GUIDELINES.md "Claims"): facts of one subject, metric, aspect, topic, unit and year, with how many documents state it and whether they agree.';
COMMENT ON COLUMN claims.claim_id IS 'Stable key: hash of the claim key';
COMMENT ON COLUMN claims.subject IS 'Claim key: whose figure (entities.name), empty for none';
COMMENT ON COLUMN claims.metric IS 'Claim key: what is measured';
COMMENT ON COLUMN claims.aspect IS 'Claim key: the stage a supply share is of (production, processing, reserves, capacity; from the cue that chose the metric), empty for others';
COMMENT ON COLUMN claims.topic IS 'Claim key: the goods or sector, if named';
COMMENT ON COLUMN claims.unit IS 'Claim key: the facts'' unit (ISO 4217 code, %, persons, x)';
COMMENT ON COLUMN claims.year IS 'Claim key: the year stated; facts without a year belong to every dated claim of their key';
COMMENT ON COLUMN claims.facts IS 'Facts that state the claim';
COMMENT ON COLUMN claims.documents IS 'Distinct documents that state it (repeats in one count once)';
COMMENT ON COLUMN claims.languages IS 'Distinct languages of those documents';
COMMENT ON COLUMN claims.value_low IS 'Lowest value stated, in unit';
COMMENT ON COLUMN claims.value_high IS 'Highest value stated (a range''s high end), in unit';
COMMENT ON COLUMN claims.value_low_usd IS 'Money: lowest value in US dollars';
COMMENT ON COLUMN claims.value_high_usd IS 'Money: highest value in US dollars';
COMMENT ON COLUMN claims.first_published IS 'Earliest publication date of its documents';
COMMENT ON COLUMN claims.last_published IS 'Latest publication date of its documents';
COMMENT ON COLUMN claims.status IS 'single: one document; corroborated: the documents'' intervals meet; conflict: two documents'' intervals do not (GUIDELINES.md)';
