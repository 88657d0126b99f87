"""Find the numeric facts of one text: ``extract_facts(text) -> list[Fact]``.

Belongs here: locating numbers, reading their scale words, ranges, currency signs and
units, and deciding the quantity kind (money, percent, people, multiple) as
GUIDELINES.md defines it. Context words (qualifier, category, year, sentence) are read by
``context.py``; numeral values by ``numerals.py``; every word comes from the lexicons.

A number becomes a fact only when a unit says what it counts: a currency, a percent
sign or word, 成, 倍/x, or a head-count noun. Bare numbers, years, dates, model names
(H20), ordinals (第二), citation markers ([13]) and vague amounts (数十亿) never do, nor
does a value that a float cannot hold (10^400) or a number with a combining mark on one
of its digits. A range needs two numbers of one kind: 增长5%至50亿美元 is two facts.

The engine is pure: a string in, frozen ``Fact`` records out, spans into that string.
Its time is linear in the text (tests/unit/test_extract_growth.py): what a fact reads
around itself is found once per sentence or clause (``context.TextContext``), and a fact
keeps at most MAX_SENTENCE_CHARS of its sentence.
"""

from __future__ import annotations

import decimal
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

from pipelines.extract import context
from pipelines.extract.about import AboutReader, Subject
from pipelines.extract.direction import falls
from pipelines.extract.lexicon import Lexicon, load_lexicon
from pipelines.extract.numerals import (
    fraction_denominator,
    normalize_width,
    parse_chinese,
    parse_compact,
    parse_english_words,
    representable,
)
from pipelines.extract.patterns import compiled_patterns
from pipelines.vocabulary import category_of

_ASCII_WORD_CHAR = re.compile(r"[A-Za-z0-9]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_WIDE = re.compile(r"[\uff01-\uff5e\u3000\u00a0\u2212]")  # what normalize_width folds
_HAN_CHARS = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f"  # ideographs and CJK punctuation
_MARKS = ("Mn", "Me")  # combining marks: they draw on the character before them


def _bmp_class(categories: tuple[str, ...]) -> str:
    """The characters of the Basic Multilingual Plane in these Unicode categories, as the
    inside of a regex class (read from unicodedata once, at import: some 10 ms)."""
    ranges: list[str] = []
    start = None
    for code in range(0x10001):
        inside = code < 0x10000 and unicodedata.category(chr(code)) in categories
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return "".join(ranges)


# Characters to look at twice: format characters (invisible, read through by ``compact``),
# combining marks (``_Scanner.marked``) and, not to list them, all beyond the BMP. Most
# texts hold none, and one fast scan with this class spares them both checks.
_UNUSUAL = re.compile(f"[{_bmp_class(('Cf', *_MARKS))}\U00010000-\U0010ffff]")
# Unicode's format characters (category Cf, Unicode 14), invisible in running text.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]+"
)
# Layout spaces: a whole run of spaces between two characters, one of them Chinese (the run
# is whole: it starts after and ends before a character that is not a space). Found by a
# pattern that starts with a character class (which the regex engine skips to) rather than a
# look-behind tried at every character: a Chinese character and the run after it, or a run
# before a Chinese character (tests/unit/test_extract_properties.py holds it to the look-behind
# pattern that says the same).
_LAYOUT_SPACE_SCAN = re.compile(f"[{_HAN_CHARS}][ \t]+(?=[^ \t])|[ \t]+(?=[{_HAN_CHARS}])")
# Each fact stores its sentence for a reader to check it against. A sentence can run for
# pages (a 54 KB customs table without a full stop): past this length a fact keeps a
# window of its sentence around its own span instead, so that no fact carries, and no
# text costs, more than this many characters per fact.
MAX_SENTENCE_CHARS = 400
# A full-width comma between full-width digits is a thousands separator (１１１，１１１).
_FULL_WIDTH_COMMA = re.compile(r"(?<=[０-９])，(?=[０-９]{3}(?![０-９]))")


@dataclass(frozen=True)
class Fact:
    """One numeric fact; ``text == source[start_char:end_char]`` always holds."""

    quantity_kind: str
    value: Decimal
    value_high: Decimal
    unit: str
    category: str  # the roll-up of ``metric`` (vocabulary.category_of)
    qualifier: str
    year: int | None
    text: str
    start_char: int
    end_char: int
    sentence: str
    metric: str
    subject: str | None = None
    topic: str | None = None
    # The evidence: the words that named the subject and chose the metric, spans of the source.
    subject_text: str | None = None
    subject_start: int | None = None
    subject_end: int | None = None
    metric_cue: str | None = None
    metric_cue_start: int | None = None
    metric_cue_end: int | None = None


@dataclass(frozen=True)
class _Amount:
    start: int
    end: int
    value: Decimal
    numeral: str  # "numeral" (digits and Chinese numerals) or "english"
    scaled: bool
    factor: Decimal  # the scale after the leading number (亿 -> 10^8), shared by a range's low end
    more_than: bool  # 十多万, 10多亿: the text says "over"
    per_hundred: bool = False  # 百分之七, 千分之2.4: a fraction that is a percent
    rough_high: Decimal | None = None  # 三四倍: the numeral itself is a range
    fraction: bool = False  # 三分之一: a fraction that is no percent (optional, never a fact)


@dataclass
class _Draft:
    """A quantity found by the scan, in compacted-text offsets, before its context is read."""

    quantity_kind: str
    value: Decimal
    value_high: Decimal
    unit: str
    qualifier: str
    start: int
    end: int
    phrase_start: int = 0  # where its qualifier phrase begins (约, over ...)


@dataclass(frozen=True)
class _Unit:
    kind: str
    unit: str
    end: int
    factor: Decimal = Decimal(1)  # 成 -> 10, basis points -> 0.01
    add: Decimal = Decimal(0)  # 七成五 -> +5
    over: bool = False  # 78,000+ jobs: a sign between the number and its noun says "more than"


def compact(text: str, unusual: bool = True) -> tuple[str, list[int] | None]:
    """Width-normalised text without invisible format characters and without the spaces
    that touch a Chinese character (一 百 五 十 个 百 分 点, 百 分 之 669), and each kept
    character's offset in ``text``.

    Format characters (zero-width space, BOM, soft hyphen, direction marks) show nothing:
    inside a number (1<U+200B>00亿美元) they would cut it in two and give a wrong value.
    Chinese is written without spaces, so a space beside a Chinese character is layout;
    spaces between Latin words and digits stay. Newlines always stay. The offsets are None
    when nothing was removed (the common case): then they are the identity. ``unusual``:
    False when the text is known to hold no format character (``_UNUSUAL``).
    """
    if text.isascii():
        return text, None  # nothing to fold or drop: all of the below is outside ASCII
    folded = normalize_width(_FULL_WIDTH_COMMA.sub(",", text)) if _WIDE.search(text) else text
    index = None
    if unusual and _INVISIBLE.search(folded):
        folded, index = _without(folded, [m.span() for m in _INVISIBLE.finditer(folded)], index)
    folded, index = _without(folded, layout_spaces(folded), index)
    return folded, index


def layout_spaces(text: str) -> list[tuple[int, int]]:
    """The spans of the layout spaces in ``text``, found by ``_LAYOUT_SPACE_SCAN`` (a match that
    starts with the Chinese character leaves it out; a run at the very start has no character
    before it)."""
    spans: list[tuple[int, int]] = []
    for match in _LAYOUT_SPACE_SCAN.finditer(text):
        start, end = match.span()
        if text[start] not in " \t":
            start += 1
        if start:
            spans.append((start, end))
    return spans


def _without(text: str, spans: list[tuple[int, int]], index: list[int] | None) -> tuple[str, list[int] | None]:
    """``text`` without the (sorted) spans, and the offset in the original of each kept
    character (``index`` maps ``text`` to that original; None is the identity)."""
    if not spans:
        return text, index
    kept: list[str] = []
    offsets: list[int] = []
    pos = 0
    for start, end in [*spans, (len(text), len(text))]:
        kept.append(text[pos:start])
        offsets.extend(range(pos, start) if index is None else index[pos:start])
        pos = end
    return "".join(kept), offsets


def _is_power_of_ten(value: Decimal) -> bool:
    """100, 1000, 10^8 (百分之, 千分之, 亿分之) but not 300: read from the digits, since a
    denominator may have thousands of them (no int() of it, which Python limits)."""
    sign, digits, exponent = value.as_tuple()
    significant = len(digits)
    while significant > 1 and digits[significant - 1] == 0:
        significant -= 1
    return sign == 0 and digits[:significant] == (1,) and exponent + len(digits) - significant >= 0


def _is_mark(ch: str) -> bool:
    return ch != "" and unicodedata.category(ch) in _MARKS


class _Scanner:
    """Scans the compacted text of one document; facts are mapped back to ``source``."""

    def __init__(self, source: str, language: str | None, lex: Lexicon, reference_year: int | None = None) -> None:
        self.source = source
        self.reference_year = reference_year  # the publication year: resolves 去年, this year
        self.unusual = not source.isascii() and _UNUSUAL.search(source) is not None
        self.text, self.index = compact(source, self.unusual)
        self.language = language or ""
        self.lex = lex
        self.p = compiled_patterns(lex)
        self.consumed = 0  # end of the last fact: text before it belongs to that fact
        self.has_latin = _LATIN_LETTER.search(self.text) is not None  # English number words need letters
        # Per sentence, found once: what a fact's context would otherwise re-read for every fact.
        self._trimmed: dict[tuple[int, int], tuple[int, int]] = {}
        self._sentence_has: dict[tuple[str, int, int], bool] = {}

    @functools.cached_property
    def sentences(self) -> context.Sentences:
        """Sentence bounds, computed when first needed: most texts' numbers are no facts."""
        return context.split_sentences(self.text, self.lex)

    # -- numbers -----------------------------------------------------------------------
    def amount_at(self, match: re.Match[str], money_prefix: bool) -> _Amount | None:
        """The number at ``match`` with its scale words: 54.5亿, 173.96 billion, 3bn, $5m."""
        kind = match.lastgroup
        surface = match.group()
        start, end = match.start(), match.end()
        per_hundred = fraction = False
        rough_high = None
        if kind == "numeral":
            numeral = parse_compact(surface, self.lex)
            if numeral is None:
                return None
            value, factor, more_than = numeral.value, numeral.factor, numeral.approximate
            rough_high = numeral.high
            denominator = fraction_denominator(surface, self.lex) if self.lex.zh_fraction_mark in surface else None
            if denominator is not None:
                per_hundred = denominator >= 100 and _is_power_of_ten(denominator)
                fraction = not per_hundred
        else:
            value = parse_english_words(re.split(r"[- ]+", surface), self.lex)
            if value is None:
                return None
            factor, more_than = Decimal(1), False
        scaled = factor != 1
        if fraction:
            return _Amount(start, end, value, kind, False, Decimal(1), more_than, fraction=True)
        arabic_end = kind == "numeral" and surface[-1:].isdigit()
        while True:  # English scale words, also after digits: 173.96 billion, five hundred million
            en = self.p.en_scale.match(self.text, end)
            if en is None or not (arabic_end or kind == "english"):
                break
            scale = self.lex.en_scales[en.group("scale").lower()]
            value, factor, end, scaled = value * scale, factor * scale, en.end(), True
        if not scaled and arabic_end:
            abbr = self.p.en_abbreviation.match(self.text, end)
            table = self.lex.en_abbreviations
            if abbr is None and money_prefix:
                abbr, table = self.p.en_abbreviation_money.match(self.text, end), self.lex.en_abbreviations_money_only
            if abbr:
                factor = table[abbr.group("scale").lower()]
                value, end, scaled = value * factor, abbr.end(), True
        return _Amount(start, end, value, kind, scaled, factor, more_than, per_hundred=per_hundred,
                       rough_high=rough_high)

    # -- units -------------------------------------------------------------------------
    def currency_prefix(self, start: int) -> tuple[str, int, str] | None:
        """The currency written before the number at ``start``: its code, where it starts and its surface."""
        # Not from text that the previous fact took (0人民币0 is one amount, not two).
        lo = max(self.consumed, start - 16)
        end = start - (self.text[start - 1 : start] == " ")  # one space may stand between: $ 300
        if self.text[lo:end].endswith(" "):
            return None
        # Searched in place, not in a slice: a Latin prefix must see the character before it
        # (the apostrophe of Micron's $15 makes its "s" no Singapore dollar).
        match = self.p.currency_before.search(self.text, lo, end)
        if match:
            return self.lex.currency_before[match.group().lower()], match.start(), match.group()
        match = self.p.yen_sign.search(self.text, lo, end)
        if match:
            code = self.yen_currency(start)
            return (code, match.start(), match.group()) if code else None
        return None

    def yen_currency(self, pos: int) -> str | None:
        """¥ is JPY or CNY: the sentence's cue words decide, else the text's language."""
        if self.sentence_has("jpy_cues", pos):
            return "JPY"
        if self.sentence_has("cny_cues", pos) or self.language.startswith("zh"):
            return "CNY"
        return None

    def sentence_has(self, cues: str, pos: int) -> bool:
        """Whether the sentence around ``pos`` holds one of the words of pattern ``cues``;
        read once per sentence, however many numbers it holds."""
        lo, hi = self.sentences.around(pos)
        key = (cues, lo, hi)
        found = self._sentence_has.get(key)
        if found is None:
            found = self._sentence_has[key] = getattr(self.p, cues).search(self.text, lo, hi) is not None
        return found

    def unit_at(self, amount: _Amount, pos: int, prefix_currency: str | None) -> _Unit | None:
        text = self.text
        near = list(dict.fromkeys((pos, pos + 1 if text[pos : pos + 1] in (" ", "-") else pos)))
        for p in near:
            match = self.p.basis_points_after.match(text, p)
            if match:
                return _Unit("percent", "%", match.end(), Decimal("0.01"))
            match = self.p.percent_after.match(text, p)
            if match:
                return _Unit("percent", "%", match.end())
        tenths = self.p.tenths_after.match(text, pos)
        if tenths and amount.numeral != "english" and not amount.scaled and 0 < amount.value <= 10:
            end = tenths.end()
            if not text.startswith(self.p.tenths_not_before, end):
                tail = self.number_at(end)
                tail_value = parse_chinese(tail.group(), self.lex) if tail and len(tail.group()) == 1 else None
                if tail_value is not None and 0 < tail_value.value < 10:
                    add = tail_value.value * (10 if tail_value.value < 1 else 1)  # 三成半 = 35, 七成五 = 75
                    return _Unit("percent", "%", tail.end(), Decimal(10), add)
                return _Unit("percent", "%", end, Decimal(10))
        match = self.p.multiple_after.match(text, pos)
        if match and (match.group().lower() != "x" or text[pos - 1 : pos].isdigit()):  # 3x, not 三x
            return _Unit("multiple", "x", match.end())
        times = self.p.times.match(text, near[-1])
        if times and self.p.times_followed_by.match(text, times.end() + 1):
            return _Unit("multiple", "x", times.end())
        for p in near:
            match = self.p.currency_after.match(text, p)
            if match:
                surface = match.group().lower()
                if surface in self.lex.after_scale_only and not amount.scaled:
                    continue
                if surface in self.lex.phrase_end_only and text[match.end() : match.end() + 1].isalnum():
                    continue  # 35,000 块 H100: a measure word, not money
                code, end = self.lex.currency_after[surface], match.end()
                if prefix_currency and surface in self.lex.generic_after:
                    code = prefix_currency  # 新台幣100億元: the named currency, not the bare 元
                elif surface in self.lex.generic_after:
                    named = self.p.currency_after.match(text, end + (text[end : end + 1] == " "))
                    if named and named.group().lower() not in self.lex.generic_after:
                        code, end = self.lex.currency_after[named.group().lower()], named.end()  # 1200億元台幣
                return _Unit("money", code, end)
        if prefix_currency:
            return _Unit("money", prefix_currency, pos)
        return self.people_unit(amount, near[-1])

    def people_unit(self, amount: _Amount, pos: int) -> _Unit | None:
        if amount.value != amount.value.to_integral_value() and not amount.scaled:
            return None  # 2.5 people is not a head count
        over = self.p.people_over_sign.match(self.text, pos)
        if over:
            pos = over.end() + (self.text[over.end() : over.end() + 1] == " ")
        classifier = self.p.people_classifier.match(self.text, pos)
        noun_pos = classifier.end() if classifier else pos
        noun = self.p.people_nouns.match(self.text, noun_pos)
        if noun is None:  # 17,000 American jobs; 17000 个建筑行业工作岗位
            modifiers = (self.p.people_han_modifiers.match(self.text, noun_pos) if classifier
                         else self.p.people_latin_modifiers.match(self.text, noun_pos))
            if modifiers:
                noun = self.p.people_nouns.match(self.text, modifiers.end())
        if noun:
            return _Unit("people", "persons", noun.end(), over=over is not None)
        counter = self.p.people_counter.match(self.text, pos)
        if counter and self.p.people_noun_before.search(self.text, max(0, amount.start - 16), amount.start):
            return _Unit("people", "persons", counter.end())  # 工程师1,500名
        weak = self.p.people_weak.match(self.text, noun_pos)
        if weak and self.sentence_has("people_cue", pos):
            return _Unit("people", "persons", weak.end(), over=over is not None)
        return None

    def subunits_after(self, code: str, pos: int) -> tuple[Decimal, int]:
        """Smaller coins after an amount (五元三毛, 两美元又三美分): their value and end."""
        pattern = self.p.subunits.get(code)
        total, end = Decimal(0), pos
        while pattern is not None:
            at = end
            joiner = self.p.subunit_joiner.match(self.text, at)
            at = joiner.end() if joiner else at
            at += self.text[at : at + 1] == " "
            number = self.number_at(at)
            coin = pattern.match(self.text, number.end()) if number else None
            value = parse_chinese(number.group(), self.lex) if coin else None
            if value is None:
                break
            total += value.value * self.lex.subunits[code][coin.group().lower()]
            end = coin.end()
        return total, end

    # -- one candidate -----------------------------------------------------------------
    def cannot_be_fact(self, match: re.Match[str]) -> bool:
        """True when nothing that makes a fact can stand after or before this number; a
        cheap test that spares parsing most numbers of a text (years, 一个, 统一, [13])."""
        if self.lex.zh_fraction_mark in match.group():
            return False  # 百分之七: a percent by itself
        after = match.end()
        while after < len(self.text) and self.text[after].isspace():
            after += 1
        before = match.start()
        while before > 0 and self.text[before - 1].isspace():
            before -= 1
        return (self.text[after : after + 1].lower() not in self.p.follower_chars
                and self.text[before - 1 : before].lower() not in self.p.preceder_chars)

    def is_excluded(self, match: re.Match[str]) -> bool:
        head = self.text[max(0, match.start() - 4) : match.start()]
        return bool(self.p.ordinal_before.search(head) or self.p.vague_before.search(head))

    def multiplicative_at(self, match: re.Match[str]) -> tuple[_Draft | None, int]:
        """"twice as high": a multiple without digits, only before a comparison."""
        if not self.p.times_followed_by.match(self.text, match.end() + 1):
            return None, match.end()
        value = self.lex.en_multiplicatives[match.group().lower()]
        return self.record(_Draft("multiple", value, value, "x", "exact", match.start(), match.end()))

    def record(self, draft: _Draft) -> tuple[_Draft, int]:
        """Keep a quantity found by ``fact_at`` with its qualifier; scanning goes on after it."""
        qualifier, draft.phrase_start = context.find_qualifier(self.text, draft.start, draft.end, self.lex)
        if draft.qualifier == "exact":
            draft.qualifier = qualifier
        self.consumed = draft.end
        return draft, draft.end

    def fact_at(self, match: re.Match[str]) -> tuple[_Draft | None, int]:
        """The fact that starts with this number, and where scanning goes on."""
        if match.lastgroup == "multiplicative":
            return self.multiplicative_at(match)
        if self.cannot_be_fact(match) or self.is_excluded(match) or self.marked(match):
            return None, match.end()
        prefix = self.currency_prefix(match.start())
        prefix_code = prefix[0] if prefix else None
        low = self.amount_at(match, prefix is not None)
        if prefix and prefix[2] in self.lex.before_scale_only and low is not None and not low.scaled:
            prefix, prefix_code = None, None  # 美元兑台币30: the name ends another phrase
            low = self.amount_at(match, False)
        if low is None or low.fraction:
            return None, match.end()
        span_start = prefix[1] if prefix else low.start
        head = self.text[max(self.consumed, low.start - 20) : low.start]
        spaced = head[-1:].isspace()  # the word forms below all end in a space
        word_percent = self.p.percent_before.search(head) if spaced else None  # "percent of 10"
        negative = self.p.en_negative.search(head) if spaced else None  # "minus five percent"
        sign = self.p.sign_before.search(self.text, max(0, span_start - 4), span_start) if prefix else None
        if word_percent:
            span_start = low.start - (len(head) - word_percent.start())
        elif negative or sign:  # "minus five percent", -$5 million: the sign before the currency
            span_start = low.start - (len(head) - negative.start()) if negative else sign.start()
            low = replace(low, value=-low.value)

        high, unit = None, None
        ranged = self.range_at(low, prefix_code, spaced, word_percent is not None)
        if ranged is not None:
            low, high, unit = ranged
            if unit is None:
                return None, high.end  # two numbers, no unit: neither is a fact
        else:
            unit = self.unit_of(low, prefix_code, word_percent is not None)
        if unit is None:
            return None, match.end()
        if _ASCII_WORD_CHAR.match(self.text, unit.end - 1) and _ASCII_WORD_CHAR.match(self.text, unit.end):
            return None, unit.end  # the unit runs on into a longer word or code (5bnX, 3x3)

        value = low.value * unit.factor + unit.add
        top = high.value if high else (low.rough_high if low.rough_high is not None else low.value)
        value_high = top * unit.factor + unit.add
        span_end = unit.end
        if unit.kind == "money" and high is None:
            coins, span_end = self.subunits_after(unit.unit, span_end)
            value = value_high = value + coins
        if not (representable(value) and (value_high == value or representable(value_high))):
            return None, span_end  # 一亿亿亿…美元, 400 digits: a value no reader's number can hold
        while span_end > span_start and self.text[span_end - 1].isspace():
            span_end -= 1
        last = high or low
        return self.record(_Draft(unit.kind, value, value_high, unit.unit,
                                  "over" if last.more_than or unit.over else "exact", span_start, span_end))

    def unit_of(self, last: _Amount, prefix_code: str | None, word_percent: bool) -> _Unit | None:
        """The unit after a number or a range's high end (``last``)."""
        if last.per_hundred:
            return _Unit("percent", "%", last.end, Decimal(100))
        unit = self.unit_at(last, last.end, prefix_code)
        if unit is None and word_percent:
            unit = _Unit("percent", "%", last.end)
        return unit

    def range_at(self, low: _Amount, prefix_code: str | None, spaced: bool,
                 word_percent: bool) -> tuple[_Amount, _Amount, _Unit | None] | None:
        """A range from ``low``: 30-40%, 30%至40%, 5至7亿美元, $5-7 billion, between 5 and 7
        billion, 百分之三十到百分之四十. Its low end (with the high end's scale), high end
        and unit (None: two numbers that make no fact); None when there is no range.

        A range needs two numbers of one kind: where the low end states its own unit (5%,
        $5), the range's unit must be that one. 增长5%至50亿美元 and "rose 5% to $5 million"
        are a growth and an amount, each a fact of its own, not money from 5 to 5 billion."""
        first_unit = None if low.per_hundred else self.p.percent_after.match(self.text, low.end)
        after_low = first_unit.end() if first_unit else low.end
        between = self.p.between_before.search(self.text[max(0, low.start - 10) : low.start]) if spaced else None
        separator = (self.p.between_and if between else self.p.range_separator).match(self.text, after_low)
        if not separator:
            return None
        if spaced and not between and self.p.change_from_before.search(self.text[max(0, low.start - 20) : low.start]):
            return None  # rose from 14% to 29%: the level before a change, a fact of its own
        pos = separator.end()
        repeated = self.p.range_repeat_prefix.match(self.text, pos)  # $5-$7
        second = self.number_at(repeated.end() if repeated else pos)
        high = self.amount_at(second, prefix_code is not None) if second else None
        if (high is not None and low.per_hundred and not high.per_hundred and not high.scaled
                and not second.group()[:1].isascii() and not self.text[high.end : high.end + 1].isalnum()):
            # 百分之五至八: the high end shares 百分之 (a per-hundred amount is a fraction, x100)
            return low, replace(high, value=high.value / 100, per_hundred=True), _Unit("percent", "%", high.end,
                                                                                     Decimal(100))
        if high is None or high.fraction or high.per_hundred != low.per_hundred:
            return None
        if high.scaled and not low.scaled:  # 5至7亿: 5亿 to 7亿
            low = replace(low, value=low.value * high.factor, scaled=True)
        if low.value > high.value:
            return None
        unit = self.unit_of(high, prefix_code, word_percent)
        stated = ("percent", "%") if first_unit else ("money", prefix_code) if prefix_code else None
        if stated is not None and (unit is None or (unit.kind, unit.unit, unit.factor) != (*stated, 1)):
            return None  # the low end is a fact by itself (30%至40，); what follows is read on its own
        return low, high, unit

    def numbers(self, facts_only: bool = False) -> Iterator[re.Match[str]]:
        """Every match of the number pattern, left to right, as ``search`` would find them:
        the pattern is tried only where a cheap scan says a number may start. ``facts_only``
        also skips lone Chinese digits that ``cannot_be_fact`` would reject."""
        starts = [m.start() for m in self.p.numeral_start.finditer(self.text)]
        if self.has_latin:
            lowered = self.text.lower()
            words = (self.p.word_start_lower.finditer(lowered) if len(lowered) == len(self.text)
                     else self.p.word_start.finditer(self.text))  # İ lower-cases to two characters
            starts = sorted(starts + [m.start() for m in words])
        end = -1
        text, numeral_chars = self.text, self.p.numeral_chars
        followers, preceders = self.p.follower_chars, self.p.preceder_chars
        for start in starts:
            if start < end:
                continue
            if facts_only and not text[start].isascii():
                # A lone Chinese digit between words (一个, 统一): no fact, no need to match.
                after = text[start + 1 : start + 2]
                if (after not in numeral_chars and after.lower() not in followers and not after.isspace()
                        and text[start - 1 : start].lower() not in preceders and not text[start - 1 : start].isspace()):
                    continue
            match = self.p.number.match(self.text, start)
            if match is not None:
                end = match.end()
                yield match

    def number_at(self, pos: int) -> re.Match[str] | None:
        """The number that starts exactly at ``pos`` (a range's high end, 七成五's 五), if any."""
        match = self.p.number.match(self.text, pos)
        return None if match is None or self.marked(match) else match

    def marked(self, match: re.Match[str]) -> bool:
        """True when a combining mark sits on a character of the number: right after it, or
        right before it on a digit (1<U+0301>00亿: one number with an accent, not 1 and 00亿).
        Such a number has no reading a reader would agree on, so it is no fact, nor are its
        pieces. Marks after a letter (ரூ, é) belong to that letter."""
        if not self.unusual:
            return False  # the text holds no mark at all: the common case
        text, start, end = self.text, match.start(), match.end()
        after = text[end : end + 1]
        if _is_mark(after):
            return True
        base = start
        while base > 0 and _is_mark(text[base - 1]):
            base -= 1
        return base < start and base > 0 and text[base - 1] in self.p.numeral_chars

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the compacted text to offsets in the original."""
        if self.index is None:
            return start, end
        return self.index[start], self.index[end - 1] + 1

    def scan(self, limit: int | None = None) -> list[Fact]:
        drafts: list[_Draft] = []
        pos = 0
        for match in self.numbers(facts_only=True):
            if match.start() < pos:
                continue
            draft, next_pos = self.fact_at(match)
            if draft is not None:
                drafts.append(draft)
                if limit is not None and len(drafts) >= limit:
                    break  # the rest of the text is not read: time and memory stay bounded
            pos = max(next_pos, match.end())
        if not drafts:
            return []
        # Context needs every quantity of the text: a cue beyond another quantity is that one's.
        around = context.TextContext(self.text, self.lex, [(d.start, d.end) for d in drafts])
        spans_of_kind: dict[str, list[tuple[int, int]]] = {}
        for d in drafts:
            spans_of_kind.setdefault(d.quantity_kind, []).append((d.start, d.end))
        about = AboutReader(self.text, self.lex, around, self.sentences, [d.start for d in drafts])
        facts: list[Fact] = []
        cues: list[tuple[int, int] | None] = []  # the metric cue of each fact, in scanned-text offsets
        for i, d in enumerate(drafts):
            # The sentence around the quantity; a quantity never straddles two of them.
            first, last = self.sentences.around(d.start), self.sentences.around(d.end - 1)
            sentence = (first[0], max(first[1], last[1]))
            previous = drafts[i - 1] if i else None
            if previous and previous.quantity_kind == d.quantity_kind and context.is_restatement(
                self.text, previous.end, d.phrase_start, self.lex
            ):
                # 1万亿韩元（约合人民币54.5亿元）: the same amount again, about the same thing.
                facts.append(self.fact(d, sentence, facts[-1]))
                cues.append(cues[-1])
                continue
            # Its own span never lies between a cue and itself, so all spans of its kind serve.
            metric, cue = around.metric(d.phrase_start, d.end, d.quantity_kind, sentence,
                                        spans_of_kind[d.quantity_kind], inside=(d.start, d.end))
            if cue is None and self.lex.metrics[d.quantity_kind]["inherit_in_sentence"]:
                j = self.previous_of_kind(drafts, i, sentence)
                if j is not None:
                    metric, cue = facts[j].metric, cues[j]  # 现在80%的产品用于国内，而五年前仅为40%
            clause = around.clause(sentence, d.phrase_start, d.end)
            metric = about.partnered(d.quantity_kind, metric, cue, sentence, clause, (d.phrase_start, d.end))
            subject = about.subject(sentence, clause, (d.phrase_start, d.end), metric)
            topic = about.topic(sentence, clause, (d.start, d.end), subject)
            about.topic_of_sentence.setdefault(sentence[0], topic)
            about.subject_of_sentence.setdefault(sentence[0], subject)
            year = around.year(sentence, d.start)
            if year is None and self.reference_year is not None:
                offset = around.relative_year(sentence, d.start)
                year = None if offset is None else self.reference_year + offset
            facts.append(self.fact(d, sentence, None, metric=metric, cue=cue, subject=subject,
                                   topic=topic.name if topic else None, year=year))
            cues.append(cue)
        return facts

    @staticmethod
    def previous_of_kind(drafts: list[_Draft], i: int, sentence: tuple[int, int]) -> int | None:
        """The index of the last draft before ``i`` of the same kind in the same sentence."""
        for j in range(i - 1, -1, -1):
            if drafts[j].start < sentence[0]:
                return None
            if drafts[j].quantity_kind == drafts[i].quantity_kind:
                return j
        return None

    def fact(self, d: _Draft, sentence: tuple[int, int], same_as: Fact | None, *, metric: str = "",
             cue: tuple[int, int] | None = None, subject: Subject | None = None, topic: str | None = None,
             year: int | None = None) -> Fact:
        """The fact of a draft; ``same_as``: a restated amount, about what that fact is about."""
        start, end = self.to_source(d.start, d.end)
        if sentence[1] - sentence[0] <= MAX_SENTENCE_CHARS:
            s_lo, s_hi = context.trimmed(self.text, *sentence)
        else:
            s_lo, s_hi = self.long_sentence_shown(sentence, d.start, d.end)
        s_lo, s_hi = self.to_source(s_lo, s_hi) if s_hi > s_lo else (start, end)
        if s_hi - s_lo > MAX_SENTENCE_CHARS:  # characters dropped by ``compact`` lie inside
            s_lo, s_hi = context.window(self.source, (s_lo, s_hi), (start, end), MAX_SENTENCE_CHARS)
        common = dict(quantity_kind=d.quantity_kind, value=d.value, value_high=d.value_high, unit=d.unit,
                      qualifier=d.qualifier, text=self.source[start:end], start_char=start, end_char=end,
                      sentence=self.source[s_lo:s_hi])
        if same_as is not None:
            return Fact(**common, category=same_as.category, year=same_as.year, metric=same_as.metric,
                        subject=same_as.subject, topic=same_as.topic, subject_text=same_as.subject_text,
                        subject_start=same_as.subject_start, subject_end=same_as.subject_end,
                        metric_cue=same_as.metric_cue, metric_cue_start=same_as.metric_cue_start,
                        metric_cue_end=same_as.metric_cue_end)
        subject_span = self.to_source(subject.start, subject.end) if subject else (None, None)
        cue_span = self.to_source(*cue) if cue else (None, None)
        category = category_of(metric)
        if category == "growth_rate" and d.value >= 0 and falls(self.text, d.start, d.end):
            common.update(value=-d.value_high, value_high=-d.value)  # a fall is negative, its range kept in order
        return Fact(**common, category=category, year=year, metric=metric,
                    subject=subject.name if subject else None, topic=topic,
                    subject_text=self.source[subject_span[0] : subject_span[1]] if subject else None,
                    subject_start=subject_span[0], subject_end=subject_span[1],
                    metric_cue=self.source[cue_span[0] : cue_span[1]] if cue else None,
                    metric_cue_start=cue_span[0], metric_cue_end=cue_span[1])

    def long_sentence_shown(self, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
        """The part of a sentence longer than MAX_SENTENCE_CHARS that a fact at [start, end)
        stores: all of it without its surrounding white space if that is short enough, else
        a window of at most that many characters around the fact, cut at clause breaks."""
        whole = self._trimmed.get(sentence)  # trimmed once: its white space may be long
        if whole is None:
            whole = self._trimmed[sentence] = context.trimmed(self.text, *sentence)
        if whole[1] - whole[0] <= MAX_SENTENCE_CHARS:
            return whole
        return context.window(self.text, whole, (start, end), MAX_SENTENCE_CHARS)


@dataclass(frozen=True)
class NumberMention:
    """A number in running text with its value, unit or not (the numeral parser's view)."""

    value: Decimal
    text: str
    start_char: int
    end_char: int


def find_numbers(text: str, lexicon: Lexicon | None = None) -> list[NumberMention]:
    """Every number of ``text`` (Arabic, Chinese, English words, with scale words), facts or
    not; a number whose value a float cannot hold is none."""
    return _without_overflow(_numbers, text, lexicon or load_lexicon())


def _numbers(text: str, lexicon: Lexicon) -> list[NumberMention]:
    scanner = _Scanner(text, None, lexicon)
    found = []
    for match in scanner.numbers():
        amount = None if scanner.marked(match) else scanner.amount_at(match, money_prefix=False)
        if amount is not None and representable(amount.value):
            start, end = scanner.to_source(amount.start, amount.end)
            found.append(NumberMention(amount.value, text[start:end], start, end))
    return found


def extract_facts(text: str, language: str | None = None, lexicon: Lexicon | None = None,
                  reference_year: int | None = None, limit: int | None = None) -> list[Fact]:
    """All numeric facts of ``text`` in reading order, spans into ``text`` itself, each with
    what it is about; ``reference_year`` (the document's publication year) resolves
    relative years (去年, this year). With ``limit``, the first ``limit`` facts: the text
    after the last of them is not read."""
    if not text:
        return []
    return _without_overflow(lambda t, lex: _Scanner(t, language, lex, reference_year).scan(limit), text,
                             lexicon or load_lexicon())


def _without_overflow(read: Callable[[str, Lexicon], _T], text: str, lexicon: Lexicon) -> _T:
    """``read(text, lexicon)``; read again without decimal traps if a numeral is past
    Decimal's own range (a megabyte of digits): its value becomes Infinity instead of an
    exception, and ``representable`` refuses it. Ordinary texts are read once."""
    try:
        return read(text, lexicon)
    except decimal.DecimalException:
        with decimal.localcontext(_NO_TRAPS):
            return read(text, lexicon)


_NO_TRAPS = decimal.Context(traps=[])  # Decimal's default context, without traps
_T = TypeVar("_T")
