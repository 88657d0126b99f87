-- Money facts whose currency has no exchange rate in fx_rates: value_usd stays empty.
-- A warning, not a failure: the amount is right, it only cannot be ranked in US dollars.
-- table: numeric_facts
-- severity: warn
SELECT f.unit AS currency, count(*) AS facts, min(f.fact_id) AS example_fact_id
FROM numeric_facts AS f
WHERE f.quantity_kind = 'money' AND f.value_usd IS NULL
GROUP BY f.unit
ORDER BY facts DESC, currency;
