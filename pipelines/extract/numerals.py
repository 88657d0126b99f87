"""Numerals to exact ``Decimal`` values: Arabic digits, Chinese numerals, English number words.

Belongs here: turning the surface of one number (without its unit) into a value, and the
length-preserving normalisation that lets the engine match full-width text while every
span still points into the original string. Not here: finding numbers in running text.

Chinese numerals are read with the grouping of the language: small units (十百千) build a
group, big units (万 亿 兆) close it, a larger big unit multiplies everything before it
(四万万 = 4 x 10^8, 二十一万亿 = 2.1 x 10^13), a smaller one adds (五兆六十二亿). Arabic
digits may stand for the digits (3万4000, 2千零30万, 54.5亿). Colloquial endings count
(二百五 = 250, 一万三 = 13000), as do decimals (点), signs (负), fractions (三分之一,
百分之七) and round numbers with "and some" (十多万). cn2an was the first choice for this
and is not used: it rejects 兆, 万万, a decimal before 万亿 and most mixed forms that the
conformance set holds.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from decimal import Decimal

from pipelines.extract.lexicon import Lexicon

# Full-width ASCII (U+FF01..U+FF5E) to ASCII and the ideographic space to a space: one code
# point for one code point, so offsets in the normalised text are offsets in the original.
# The full-width comma stays: in Chinese text it is punctuation ($20，300美圆), and a
# thousands separator only between full-width digits (１１１，１１１), which the engine folds.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if code != 0xFF0C}
_FULL_WIDTH[0x3000] = 0x20
_FULL_WIDTH[0x00A0] = 0x20  # no-break space
_FULL_WIDTH[0x2212] = 0x2D  # minus sign
_ARABIC = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")
_SPACE = re.compile(r"\s+")
_ENUMERATION_COMMA = "、"
_ARABIC_THEN_UNITS = re.compile(r"(\d+(?:[,，]\d{3})*(?:\.\d+)?)(\D+)")
_TOKEN = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?|.")
# The largest magnitude the warehouse can hold (its value columns are DOUBLE). A numeral
# beyond it (一亿亿亿…, a 400-digit run) has no value a reader could use: it is no number.
# Checking as the value grows also keeps Decimal arithmetic clear of its own overflow.
LARGEST = Decimal(sys.float_info.max)


def representable(value: Decimal) -> bool:
    """True when ``value`` survives conversion to a float: finite, and not a non-zero
    amount that would read as 0 (百分之 with a denominator of 10^400)."""
    if not value.is_finite():
        return False
    if value == 0 or -300 < value.adjusted() < 300:
        return True  # the common case, well inside a float's range
    return abs(value) <= LARGEST and float(value) != 0


def normalize_width(text: str) -> str:
    """Fold full-width digits, signs and letters to ASCII without changing the length."""
    return text.translate(_FULL_WIDTH)


def parse_arabic(surface: str) -> Decimal:
    """``124,000`` / ``1，200.5`` / ``173.96`` -> Decimal."""
    return Decimal(surface.replace(",", "").replace("，", "").replace(" ", ""))


@dataclass(frozen=True)
class Numeral:
    value: Decimal
    factor: Decimal  # the trailing big unit (七亿 -> 10^8), shared by a range's low end
    approximate: bool  # 十多万: only the round part is known, the text says "over"
    high: Decimal | None = None  # 三四倍, 七八十万, 三、四倍: two neighbouring digits give a range


def _integer(surface: str, lex: Lexicon, bare_unit: bool = False) -> tuple[Decimal, bool] | None:
    """The integer part of a Chinese or mixed numeral: (value, approximate)."""
    tokens = _TOKEN.findall(surface)
    if not tokens:
        return None
    approximate = False
    digits_only = all(t in lex.zh_digits and t != "半" for t in tokens)
    if digits_only and len(tokens) > 1:  # 二零二五: read digit by digit
        return Decimal("".join(str(int(lex.zh_digits[t])) for t in tokens)), False
    total = Decimal(0)
    section = Decimal(0)
    current: Decimal | None = None
    current_is_single_digit = False
    last_unit: Decimal | None = None
    zero_since_unit = False
    largest_big = Decimal(0)
    for token in tokens:
        if (token[0].isdigit() or token in lex.zh_digits) and current is not None and lex.zh_digits.get(token) != 0:
            return None  # 2一, 1八八, 十二五: a digit after a digit, with no unit between, has no value
        if token[0].isdigit():
            current, current_is_single_digit = parse_arabic(token), False
        elif token in lex.zh_digits:
            value = lex.zh_digits[token]
            if value == 0:
                zero_since_unit = True
                continue
            current, current_is_single_digit = value, True
        elif token in lex.zh_small_units:
            unit = lex.zh_small_units[token]
            section += (current if current is not None else Decimal(1)) * unit
            current, last_unit, zero_since_unit = None, unit, False
        elif token in lex.zh_big_units:
            unit = lex.zh_big_units[token]
            section += current if current is not None else Decimal(0)
            current = None
            if section == 0 and total == 0:
                if not bare_unit:
                    return None  # a bare unit (万, 亿) is not a number
                section = Decimal(1)  # ... except as a denominator: 万分之三
            if section == 0 or unit > largest_big:
                total = (total + section) * unit
            else:
                total += section * unit
            if total > LARGEST:
                return None  # 一亿亿亿…: beyond any value the warehouse holds
            largest_big = max(largest_big, unit)
            section, last_unit, zero_since_unit = Decimal(0), unit, False
        elif token in lex.zh_approximate:
            approximate = True
        else:
            return None
    if current is not None:
        if current_is_single_digit and last_unit is not None and last_unit >= 100 and not zero_since_unit:
            current *= last_unit / 10  # 二百五 = 250, 一万三 = 13000
        section += current
    return total + section, approximate


def _scale_factor(surface: str, value: Decimal, lex: Lexicon) -> Decimal:
    """The units after the leading number (七千万 -> 10^7, 一百二十万 -> 10^4, 350万 -> 10^4),
    which a range's bare low end shares: 五至七千万 = 5 x 10^7 .. 7 x 10^7."""
    units, big_units = _unit_chars(lex)
    for run_of in (units, big_units):
        head = surface.rstrip(run_of)  # one strip, not a slice per unit: 10^4 units cost 10^4 steps
        if head == surface or not head or any(ch in units for ch in head):
            continue
        lead = parse_arabic(head) if _ARABIC.fullmatch(head) else (
            lex.zh_digits.get(head) if len(head) == 1 else None)
        if lead:
            return value / lead
    return Decimal(1)


@functools.cache
def _unit_chars(lex: Lexicon) -> tuple[str, str]:
    """All Chinese units, and the big ones, as strings of characters (each unit is one)."""
    return "".join([*lex.zh_small_units, *lex.zh_big_units]), "".join(lex.zh_big_units)


def _neighbours(surface: str, lex: Lexicon) -> Numeral | None:
    """Two digits side by side, the second larger (三四, 七八十万, 三、五): a rough range."""
    if len(surface) < 2:
        return None
    first, rest = surface[0], surface[1:]
    if rest.startswith(_ENUMERATION_COMMA):
        rest = rest[1:]
    if not rest:
        return None
    second, units = rest[0], rest[1:]
    low_digit, high_digit = lex.zh_digits.get(first), lex.zh_digits.get(second)
    if low_digit is None or high_digit is None or not 0 < low_digit < high_digit or high_digit == Decimal("0.5"):
        return None
    if units and not all(ch in lex.zh_small_units or ch in lex.zh_big_units for ch in units):
        return None
    if not units and len(rest) == len(surface) - 1 and high_digit != low_digit + 1:
        return None  # 二五 without units is 25, not "two to five"
    low, high = _plain(first + units, lex), _plain(second + units, lex)
    if low is None or high is None:
        return None
    return Numeral(low.value, low.factor, False, high.value)


def _plain(surface: str, lex: Lexicon, bare_unit: bool = False) -> Numeral | None:
    """A numeral without fraction mark: integer part, optional 点 decimals, optional sign."""
    rough = _neighbours(surface, lex)
    if rough is not None:
        return rough
    negative = False
    for mark in ("-", *lex.zh_negative):
        if surface.startswith(mark):
            surface, negative = surface[len(mark) :], True
            break
    decimals = ""
    scale = Decimal(1)
    for point in lex.zh_point:
        if point in surface:
            surface, _, tail = surface.partition(point)
            digits_end = len(tail.rstrip(_unit_chars(lex)[1]))  # 五十四点五亿: decimals, then the unit
            for unit in tail[digits_end:]:
                scale *= lex.zh_big_units[unit]
                if scale > LARGEST:
                    return None
            tail = tail[:digits_end]
            if not tail or any(ch not in lex.zh_digits or ch == "半" for ch in tail):
                return None
            decimals = "".join(str(int(lex.zh_digits[ch])) for ch in tail)
            break
    if not surface:
        return None
    parsed = (parse_arabic(surface), False) if _ARABIC.fullmatch(surface) else _integer(surface, lex, bare_unit)
    if parsed is None:
        return None
    value, approximate = parsed
    if decimals:
        value = (value + Decimal("0." + decimals)) * scale
        factor = scale
    else:
        factor = _scale_factor(surface, value, lex)
    return Numeral(-value if negative else value, factor, approximate)


def parse_chinese(surface: str, lex: Lexicon) -> Numeral | None:
    """A Chinese (or mixed digit and Chinese) numeral, or None if it is not one.

    ``一百二十万`` -> 1200000, ``五十四点五亿`` -> 5450000000, ``4.78萬億`` -> 4.78 x 10^12,
    ``三百五又三分之一`` -> 350.33..., ``百分之七点四`` -> 0.074.
    """
    return parse_compact(_SPACE.sub("", normalize_width(surface)), lex)


def parse_compact(surface: str, lex: Lexicon) -> Numeral | None:
    """``parse_chinese`` for a surface already width-folded and without spaces (the engine's)."""
    if _ARABIC.fullmatch(surface):
        return Numeral(parse_arabic(surface), Decimal(1), False)
    scaled = _ARABIC_THEN_UNITS.fullmatch(surface)
    if scaled and all(ch in lex.zh_big_units or ch in lex.zh_small_units for ch in scaled.group(2)):
        # 54.5亿, 1000万, 1.2万亿, 3千万: the most common form, read directly.
        factor = Decimal(1)
        for ch in scaled.group(2):
            factor *= lex.zh_big_units.get(ch) or lex.zh_small_units[ch]
            if factor > LARGEST:
                return None  # 1亿亿亿…: beyond any value the warehouse holds
        if len(scaled.group(2)) == 1 or all(ch in lex.zh_big_units for ch in scaled.group(2)[1:]):
            return Numeral(parse_arabic(scaled.group(1)) * factor, factor, False)
    mark = lex.zh_fraction_mark
    if mark in surface:
        whole = Decimal(0)
        for joiner in lex.zh_fraction_joiner:
            if joiner in surface:
                head, _, surface = surface.partition(joiner)
                head_numeral = _plain(head, lex)
                if head_numeral is None:
                    return None
                whole = head_numeral.value
                break
        denominator_text, _, numerator_text = surface.partition(mark)
        denominator = _plain(denominator_text, lex, bare_unit=True)
        numerator = _plain(numerator_text, lex, bare_unit=True)
        if denominator is None or numerator is None or denominator.value == 0:
            return None
        fraction = numerator.value / denominator.value
        return Numeral(whole + fraction if whole >= 0 else whole - fraction, Decimal(1), False)
    return _plain(surface, lex)


def fraction_denominator(surface: str, lex: Lexicon) -> Decimal | None:
    """The denominator of ``X分之Y`` (百分之七 -> 100), or None if the surface is no fraction."""
    surface = _SPACE.sub("", normalize_width(surface))
    if lex.zh_fraction_mark not in surface:
        return None
    head = surface.partition(lex.zh_fraction_mark)[0]
    for joiner in lex.zh_fraction_joiner:
        head = head.partition(joiner)[2] or head
    numeral = _plain(head.lstrip("".join(lex.zh_negative)), lex, bare_unit=True)
    return abs(numeral.value) if numeral else None


def parse_english_words(words: list[str], lexicon: Lexicon) -> Decimal | None:
    """``["twenty", "five"]`` -> 25. Scale words (hundred, million) are the engine's job."""
    total = 0
    for word in words:
        value = lexicon.en_units.get(word.lower())
        if value is None:
            return None
        total += value
    return Decimal(total)
