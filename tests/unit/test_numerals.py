from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.extract.lexicon import load_lexicon
from pipelines.extract.numerals import chinese_scale_factor, normalize_width, parse_arabic, parse_chinese

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
    ],
)
def test_parse_chinese(surface, value):
    assert parse_chinese(surface, LEX) == Decimal(value)


@pytest.mark.parametrize("surface", ["万", "亿", "万亿", "点"])
def test_bare_units_are_not_numbers(surface):
    assert parse_chinese(surface, LEX) is None


def test_scale_factor_of_trailing_units():
    assert chinese_scale_factor("七亿", LEX) == Decimal(10**8)
    assert chinese_scale_factor("一亿二千万", LEX) == 1
    assert chinese_scale_factor("七", LEX) == 1


@pytest.mark.parametrize(("surface", "value"), [("124,000", 124000), ("173.96", Decimal("173.96")), ("1，200", 1200)])
def test_parse_arabic(surface, value):
    assert parse_arabic(surface) == Decimal(value)


def test_width_normalisation_keeps_length():
    text = "增长１２％，达到６０％　以上"
    folded = normalize_width(text)
    assert len(folded) == len(text)
    assert "12%" in folded and "60%" in folded
