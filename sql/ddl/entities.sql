-- Generated from pipelines/schema/tables.py::Entities by `python -m pipelines.schema.ddl --write`.
-- Do not edit by hand: change the Pandera model and regenerate.
CREATE TABLE entities (
    name VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    iso_code VARCHAR,
    aliases_en VARCHAR[] NOT NULL,
    aliases_zh_hans VARCHAR[] NOT NULL,
    aliases_zh_hant VARCHAR[] NOT NULL,
    PRIMARY KEY (name)
);
COMMENT ON TABLE entities IS 'Every entity a fact''s subject can name, with its names in the three scripts.';
COMMENT ON COLUMN entities.name IS 'Canonical English name: the English Wikipedia title';
COMMENT ON COLUMN entities.type IS 'country, region, company or organisation';
COMMENT ON COLUMN entities.iso_code IS 'ISO 3166 code of a country or region (names from CLDR)';
COMMENT ON COLUMN entities.aliases_en IS 'English names and forms matched in text';
COMMENT ON COLUMN entities.aliases_zh_hans IS 'Simplified Chinese names matched in text';
COMMENT ON COLUMN entities.aliases_zh_hant IS 'Traditional Chinese names matched in text';
