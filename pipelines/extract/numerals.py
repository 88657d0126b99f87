"""Numerals to exact ``Decimal`` values: Arabic digits, Chinese numerals, English number words.

Belongs here: turning the surface of one number (without its unit) into a value, and the
length-preserving normalisation that lets the engine match full-width text while every
span still points into the original string. Not here: finding numbers in running text.

Chinese numerals go through cn2an. It does not take a decimal mantissa before a large
unit (``五十四点五亿``, ``1.2万亿``), so the trailing run of 万/亿/兆 is split off and
multiplied here; everything before it is cn2an's job.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import cn2an

from pipelines.extract.lexicon import Lexicon

# Full-width ASCII (U+FF01..U+FF5E) to ASCII and the ideographic space to a space: one code
# point for one code point, so offsets in the normalised text are offsets in the original.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20
_FULL_WIDTH[0x00A0] = 0x20  # no-break space


def normalize_width(text: str) -> str:
    """Fold full-width digits, signs and letters to ASCII without changing the length."""
    return text.translate(_FULL_WIDTH)


def parse_arabic(surface: str) -> Decimal:
    """``124,000`` / ``1，200.5`` / ``173.96`` -> Decimal."""
    return Decimal(surface.replace(",", "").replace("，", "").replace(" ", ""))


def _cn2an_decimal(surface: str) -> Decimal | None:
    try:
        value = cn2an.cn2an(surface, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _big_units(lexicon: Lexicon) -> dict[str, Decimal]:
    return {ch: factor for ch, factor in lexicon.zh_scales.items() if factor >= 10_000}


def chinese_scale_factor(surface: str, lexicon: Lexicon) -> Decimal:
    """The factor of the trailing 万/亿/兆 run of a numeral (七亿 -> 10^8, 一亿二千万 -> 1)."""
    big_units = _big_units(lexicon)
    factor = Decimal(1)
    mantissa = surface
    while mantissa and mantissa[-1] in big_units:
        factor *= big_units[mantissa[-1]]
        mantissa = mantissa[:-1]
    if any(ch in big_units for ch in mantissa):
        return Decimal(1)
    return factor


def parse_chinese(surface: str, lexicon: Lexicon) -> Decimal | None:
    """A Chinese (or mixed digit and Chinese) numeral to its value, or None if it is not one.

    ``一百二十万`` -> 1200000, ``五十四点五亿`` -> 5450000000, ``两千`` -> 2000,
    ``一亿二千万`` -> 120000000, ``〇点五`` -> 0.5.
    """
    big_units = _big_units(lexicon)
    mantissa = surface
    factor = Decimal(1)
    while mantissa and mantissa[-1] in big_units:
        factor *= big_units[mantissa[-1]]
        mantissa = mantissa[:-1]
    if not mantissa:
        return None  # a bare unit (万, 亿) is not a number
    if factor != 1 and any(ch in big_units for ch in mantissa):
        # 一亿二千万: the large units are inside the numeral, cn2an reads it whole.
        mantissa, factor = surface, Decimal(1)
    value = _cn2an_decimal(mantissa)
    if value is None:
        return None
    return value * factor


def parse_english_words(words: list[str], lexicon: Lexicon) -> Decimal | None:
    """``["twenty", "five"]`` -> 25. Scale words (hundred, million) are the engine's job."""
    total = 0
    for word in words:
        value = lexicon.en_units.get(word.lower())
        if value is None:
            return None
        total += value
    return Decimal(total)
