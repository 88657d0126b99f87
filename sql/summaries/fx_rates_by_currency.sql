-- The exchange rates per currency: years held, the latest average and where it comes from.
-- table: fx_rates
SELECT currency, min(year) AS first_year, max(year) AS last_year, count(*) AS years,
       arg_max(usd_per_unit, year) AS latest_usd_per_unit, max(rate_date) AS last_rate_date,
       arg_max(source, year) AS source
FROM fx_rates
GROUP BY currency
ORDER BY currency;
