from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.extract.lexicon import load_lexicon
from pipelines.extract.numerals import (
    fraction_denominator,
    normalize_width,
    parse_arabic,
    parse_chinese,
    representable,
)

LEX = load_lexicon()


@pytest.mark.parametrize(
    ("surface", "value"),
    [
        ("一百二十万", 1_200_000),
        ("两千", 2000),
        ("兩千萬", 20_000_000),
        ("五十四点五亿", 5_450_000_000),
        ("一亿二千万", 120_000_000),
        ("〇点五", Decimal("0.5")),
        ("零", 0),
        ("十", 10),
        ("七", 7),
        ("一万零五", 10005),
        ("三千万", 30_000_000),
        ("一千二百万", 12_000_000),
        ("十萬", 100_000),
        ("兩億", 200_000_000),
        ("四十九兆九千五百九十二億", 49_959_200_000_000),
        ("四万万", 400_000_000),
        ("10万万", 1_000_000_000),
        ("二百五", 250),
        ("一万三", 13000),
        ("三千零五", 3005),
        ("1千零20", 1020),
        ("3万4000", 34000),
        ("4.78萬億", 4_780_000_000_000),
        ("负三十二", -32),
        ("二零二五", 2025),
        ("半百", 50),
        ("百分之七点四", Decimal("0.074")),
        ("三百五又三分之一", Decimal(350) + Decimal(1) / Decimal(3)),
        ("一 百 五 十", 150),
    ],
)
def test_parse_chinese(surface, value):
    assert parse_chinese(surface, LEX).value == Decimal(value)


@pytest.mark.parametrize("surface", ["万", "亿", "万亿", "点", "分之"])
def test_bare_units_are_not_numbers(surface):
    assert parse_chinese(surface, LEX) is None


def test_round_numbers_with_and_some_are_approximate():
    numeral = parse_chinese("十多万", LEX)
    assert numeral.value == 100_000 and numeral.approximate
    assert not parse_chinese("十万", LEX).approximate


def test_scale_factor_shared_by_a_range():
    assert parse_chinese("七亿", LEX).factor == Decimal(10**8)
    assert parse_chinese("七千万", LEX).factor == Decimal(10**7)
    assert parse_chinese("350万", LEX).factor == Decimal(10**4)
    assert parse_chinese("七", LEX).factor == 1


def test_fraction_denominator():
    assert fraction_denominator("百分之七", LEX) == 100
    assert fraction_denominator("千分之2.4", LEX) == 1000
    assert fraction_denominator("三分之一", LEX) == 3
    assert fraction_denominator("七十", LEX) is None


@pytest.mark.parametrize(("surface", "value"), [("124,000", 124000), ("173.96", Decimal("173.96")), ("1，200", 1200)])
def test_parse_arabic(surface, value):
    assert parse_arabic(surface) == Decimal(value)


def test_width_normalisation_keeps_length():
    text = "增长１２％，达到６０％　以上"
    folded = normalize_width(text)
    assert len(folded) == len(text)
    assert "12%" in folded and "60%" in folded


@pytest.mark.parametrize(("surface", "low", "high"), [("三四", 3, 4), ("七八十万", 700_000, 800_000), ("三、五", 3, 5)])
def test_neighbouring_digits_are_a_rough_range(surface, low, high):
    numeral = parse_chinese(surface, LEX)
    assert (numeral.value, numeral.high) == (low, high)


@pytest.mark.parametrize(("surface", "value"), [("二五", 25), ("九八", 98), ("二零二五", 2025)])
def test_digit_strings_stay_numbers(surface, value):
    numeral = parse_chinese(surface, LEX)
    assert numeral.value == value and numeral.high is None


@pytest.mark.parametrize("surface", ["2一", "1八八", "十二五", "七0"])
def test_a_digit_right_after_a_digit_is_no_numeral(surface):
    """二五 reads digit by digit (25), but a digit after an Arabic or a unit-led digit has no value."""
    assert parse_chinese(surface, LEX) is None


@pytest.mark.parametrize("surface", ["一" + "亿" * 40, "1" + "亿" * 40, "五点五" + "亿" * 40])
def test_a_numeral_beyond_a_float_is_none(surface):
    assert parse_chinese(surface, LEX) is None


def test_long_runs_of_units_parse_in_linear_time():
    assert parse_chinese("一" + "亿" * 30, LEX).value == Decimal(10) ** 240
    assert parse_chinese("1" + "万" * 20_000, LEX) is None  # 10^80000: read once, then refused


@pytest.mark.parametrize(
    ("value", "ok"),
    [(Decimal("1e308"), True), (Decimal("-1e308"), True), (Decimal("2e308"), False), (Decimal(0), True),
     (Decimal("1e-300"), True), (Decimal("1e-400"), False), (Decimal("Infinity"), False), (Decimal("NaN"), False)],
)
def test_representable_values_survive_a_float(value, ok):
    assert representable(value) is ok
