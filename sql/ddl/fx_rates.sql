-- Generated from pipelines/schema/tables.py::FxRates by `python -m pipelines.schema.ddl --write`.
-- Do not edit by hand: change the Pandera model and regenerate.
CREATE TABLE fx_rates (
    currency VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    usd_per_unit DOUBLE NOT NULL,
    rate_date DATE NOT NULL,
    days INTEGER,
    source VARCHAR NOT NULL,
    PRIMARY KEY (currency, year)
);
COMMENT ON TABLE fx_rates IS 'The annual average exchange rates that value_usd uses, with their source.';
COMMENT ON COLUMN fx_rates.currency IS 'ISO 4217 code';
COMMENT ON COLUMN fx_rates.year IS 'Calendar year the rate averages';
COMMENT ON COLUMN fx_rates.usd_per_unit IS 'US dollars per unit of the currency (annual average)';
COMMENT ON COLUMN fx_rates.rate_date IS 'Last day the average covers';
COMMENT ON COLUMN fx_rates.days IS 'Daily rates averaged; empty for a published annual average';
COMMENT ON COLUMN fx_rates.source IS 'Where the rate comes from';
