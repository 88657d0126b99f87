-- Money facts whose currency has no exchange rate in fx_rates, so value_usd stays empty.
-- A warning, not a failure: the amount itself is right, it only cannot be compared in US dollars
-- (add the currency's annual averages to pipelines/fx/supplementary_rates.csv).
-- table: numeric_facts
-- severity: warn
-- tally: currency
SELECT f.unit AS currency, f.fact_id, f.value, f.value_high, f.year, f.text
FROM numeric_facts AS f
WHERE f.quantity_kind = 'money' AND f.value_usd IS NULL
ORDER BY f.unit, f.fact_id;
