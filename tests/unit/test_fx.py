"""US-dollar values: annual averages of the ECB's daily rates (checked against an independent
pass over the same zip and against the ECB's published 2023 averages), the TWD table, the
year fallback and currencies without a rate."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile

import pytest

import pipelines.fx as fx
from pipelines.fx import annual_rates, rate_for, to_usd


def _independent_2023_average(code: str) -> tuple[float, dt.date, int]:
    """USD per unit of ``code`` averaged over 2023, read from the zip with the csv module."""
    with zipfile.ZipFile(fx._ECB_ZIP) as archive, archive.open("eurofxref-hist.csv") as raw:
        rows = list(csv.DictReader(io.TextIOWrapper(raw, "utf-8")))
    daily = []
    for row in rows:
        if not row["Date"].startswith("2023-") or row["USD"] == "N/A":
            continue
        usd = float(row["USD"])
        if code == "EUR":
            daily.append((row["Date"], usd))
        elif row[code] != "N/A":
            daily.append((row["Date"], usd / float(row[code])))
    return sum(v for _, v in daily) / len(daily), dt.date.fromisoformat(max(d for d, _ in daily)), len(daily)


@pytest.mark.parametrize("code", ["KRW", "CNY", "JPY", "EUR"])
def test_2023_amounts_convert_at_the_ecb_annual_average(code):
    expected, last_day, days = _independent_2023_average(code)
    usd, usd_high, rate_date = to_usd(1_000_000.0, 2_000_000.0, code, 2023)
    assert usd == pytest.approx(1_000_000 * expected, rel=1e-9)
    assert usd_high == pytest.approx(2 * usd, rel=1e-12)
    assert rate_date == last_day == dt.date(2023, 12, 29)  # the ECB's last quote of 2023
    assert annual_rates()[code][2023].days == days


@pytest.mark.parametrize(
    ("code", "usd_per_unit"),
    [
        # The ECB's published 2023 annual averages (units per euro): USD 1.0813, CNY 7.6600,
        # JPY 151.99, KRW 1412.88. The mean of daily cross rates is within 1% of their ratio.
        ("EUR", 1.0813),
        ("CNY", 1.0813 / 7.6600),
        ("JPY", 1.0813 / 151.99),
        ("KRW", 1.0813 / 1412.88),
    ],
)
def test_2023_rates_agree_with_the_ecb_published_averages(code, usd_per_unit):
    usd, _, _ = to_usd(100.0, 100.0, code, 2023)
    assert usd == pytest.approx(100 * usd_per_unit, rel=0.01)


def test_twd_comes_from_the_central_bank_of_taiwan_table():
    usd, usd_high, rate_date = to_usd(32.112, 64.224, "TWD", 2024)
    assert usd == pytest.approx(1.0, rel=1e-12) and usd_high == pytest.approx(2.0, rel=1e-12)
    assert rate_date == dt.date(2024, 12, 31)
    rate = annual_rates()["TWD"][2024]
    assert rate.days is None and "Central Bank of the Republic of China" in rate.source
    assert sorted(annual_rates()["TWD"]) == list(range(2015, 2025))


def test_us_dollars_are_themselves_without_a_rate():
    assert to_usd(5e9, 7e9, "USD", 2023) == (5e9, 7e9, None)
    assert to_usd(5e9, 7e9, "USD", None, None) == (5e9, 7e9, None)
    assert "USD" not in annual_rates()


@pytest.mark.parametrize("code", ["XAF", "KPW", "VES"])
def test_a_currency_without_any_rate_has_no_usd_value(code):
    assert code not in annual_rates()
    assert to_usd(1.0, 1.0, code, 2023, 2024) == (None, None, None)


def test_year_fallback_fact_year_then_publication_year_then_latest():
    years = annual_rates()["CNY"]
    # the fact's year wins over the publication year
    assert rate_for("CNY", 2019, 2023) is years[2019]
    assert to_usd(1.0, 1.0, "CNY", 2019, 2023)[2] == years[2019].rate_date
    # a fact year the table does not hold (before the ECB quoted CNY): the publication year
    assert 2001 not in years and rate_for("CNY", 2001, 2023) is years[2023]
    assert rate_for("CNY", None, 2022) is years[2022]
    # neither held: the latest year of that currency
    assert rate_for("CNY", None, None) is years[max(years)]
    assert rate_for("TWD", 2030, 2031) is annual_rates()["TWD"][2024]
    assert to_usd(1.0, 1.0, "TWD", 1990, None)[2] == dt.date(2024, 12, 31)


def test_the_table_is_sane():
    for code, years in annual_rates().items():
        assert len(code) == 3 and code.isupper()
        for year, rate in years.items():
            assert rate.currency == code and rate.year == year
            assert rate.usd_per_unit > 0
            assert rate.rate_date.year == year
            assert rate.days is None or 1 <= rate.days <= 366
    assert {"CNY", "KRW", "JPY", "EUR", "TWD", "HKD", "GBP"} <= set(annual_rates())


def test_rates_load_once_and_fast():
    fx.annual_rates.cache_clear()
    started = time.perf_counter()
    annual_rates()
    took = time.perf_counter() - started
    assert annual_rates() is annual_rates()  # cached per process
    assert took < 0.5, f"loading the rates took {took:.3f} s (about 0.04 s on the development machine)"
