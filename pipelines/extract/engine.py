"""Find the numeric facts of one text: ``extract_facts(text) -> list[Fact]``.

Belongs here: locating numbers, reading their scale words, ranges, currency signs and
units, and deciding the quantity kind (money, percent, people, multiple) as
GUIDELINES.md defines it. Context words (qualifier, category, year, sentence) are read by
``context.py``; numeral values by ``numerals.py``; every word comes from the lexicons.

A number becomes a fact only when a unit says what it counts: a currency, a percent
sign or word, 成, 倍/x, or a head-count noun. Bare numbers, years, dates, model names
(H20), ordinals (第二), citation markers ([13]) and vague amounts (数十亿) never do.

The engine is pure: a string in, frozen ``Fact`` records out, spans into that string.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from pipelines.extract import context
from pipelines.extract.lexicon import Lexicon, alternation, compile_words, load_lexicon
from pipelines.extract.numerals import (
    chinese_scale_factor,
    normalize_width,
    parse_arabic,
    parse_chinese,
    parse_english_words,
)

_RANGE_SEPARATORS = ["-", "–", "—", "~", "～", "〜", "至", "到", "to"]
_ASCII_WORD_CHAR = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class Fact:
    """One numeric fact; ``text == source[start_char:end_char]`` always holds."""

    quantity_kind: str
    value: Decimal
    value_high: Decimal
    unit: str
    category: str
    qualifier: str
    year: int | None
    text: str
    start_char: int
    end_char: int
    sentence: str


@dataclass(frozen=True)
class _Amount:
    start: int
    end: int
    value: Decimal
    numeral: str  # "arabic", "chinese" or "english"
    scaled: bool
    factor: Decimal  # the product of the scale words applied (亿 -> 10^8)
    more_than: bool  # 10多亿: the text says "over"


@dataclass(frozen=True)
class _Unit:
    kind: str
    unit: str
    end: int
    factor: Decimal = Decimal(1)  # 千分之 -> 0.1, 成 -> 10
    add: Decimal = Decimal(0)  # 七成五 -> +5


class _Patterns:
    """Regular expressions compiled from one lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        en_words = alternation(list(lex.en_units))
        self.number = re.compile(
            r"(?P<arabic>(?<![A-Za-z0-9_])(?<!\d[.,])(?:\d{1,3}(?:[,，]\d{3})+(?!\d)|\d+)(?:\.\d+)?)"
            rf"|(?P<chinese>[{re.escape(lex.zh_digit_chars)}][{re.escape(lex.zh_numeral_chars)}]*)"
            rf"|(?P<english>(?<![A-Za-z])(?:{en_words})(?:[- ](?:{en_words}))*(?![A-Za-z]))",
            re.IGNORECASE,
        )
        zh_scale_chars = "".join(k for k in lex.zh_scales if len(k) == 1)
        infix = alternation(list(lex.zh_more_than_infix))
        self.zh_scale = re.compile(rf" ?(?P<infix>{infix})?(?P<scale>[{re.escape(zh_scale_chars)}]+)")
        self.en_scale = re.compile(rf"[ -]?(?P<scale>{alternation(list(lex.en_scales))})(?![A-Za-z])", re.IGNORECASE)
        self.en_abbreviation = re.compile(
            rf" ?(?P<scale>{alternation(list(lex.en_abbreviations))})(?![A-Za-z])", re.IGNORECASE
        )
        self.en_abbreviation_money = re.compile(
            rf"(?P<scale>{alternation(list(lex.en_abbreviations_money_only))})(?![A-Za-z])", re.IGNORECASE
        )
        self.range_separator = re.compile(rf"\s*(?:{alternation(_RANGE_SEPARATORS)})\s*", re.IGNORECASE)
        self.range_repeat_prefix = compile_words(
            [*kinds_percent_before(lex), *lex.currency_before, *lex.yen_signs], anchored="start"
        )
        self.between_and = re.compile(r"\s+and\s+", re.IGNORECASE)
        self.between_before = re.compile(r"\bbetween\s+$", re.IGNORECASE)
        kinds = lex.kinds
        self.percent_after = compile_words(kinds["percent"]["after"], anchored="start")
        self.percent_not_after = compile_words(kinds["percent"]["not_after"], anchored="start")
        self.percent_before = compile_words(kinds["percent"]["before"], anchored="end")
        self.permille_before = compile_words(kinds["percent"]["permille_before"], anchored="end")
        self.tenths_after = compile_words(kinds["percent"]["tenths_after"], anchored="start")
        self.tenths_not_before = tuple(kinds["percent"]["tenths_not_before"])
        self.multiple_after = compile_words(kinds["multiple"]["after"], anchored="start")
        self.times = compile_words(kinds["multiple"]["times_words"], anchored="start")
        self.times_followed_by = compile_words(kinds["multiple"]["times_followed_by"], anchored="start")
        self.currency_before = compile_words(list(lex.currency_before), anchored="end")
        self.currency_after = compile_words(list(lex.currency_after), anchored="start")
        self.yen_sign = compile_words(list(lex.yen_signs), anchored="end")
        self.people_classifier = compile_words(kinds["people"]["classifiers"], anchored="start")
        self.people_nouns = compile_words(kinds["people"]["nouns"], anchored="start")
        self.people_counter = compile_words(kinds["people"]["counters_after_noun"], anchored="start")
        qualifier_cues = alternation(list(lex.qualifier_before))
        self.people_noun_before = re.compile(
            rf"(?:{alternation(kinds['people']['nouns'])})\s*(?:{qualifier_cues})?\s*$", re.IGNORECASE
        )
        self.people_weak = compile_words(kinds["people"]["weak_nouns"], anchored="start")
        self.people_cue = compile_words(kinds["people"]["weak_needs_cue"], anchored="start")
        self.ordinal_before = compile_words(list(lex.ordinal_before), anchored="end")
        self.vague_before = compile_words(list(lex.zh_vague_before), anchored="end")
        self.date_after = compile_words(list(lex.date_after), anchored="start")
        self.jpy_cues = compile_words(list(lex.jpy_cues), anchored="start")
        self.cny_cues = compile_words(list(lex.cny_cues), anchored="start")


def kinds_percent_before(lex: Lexicon) -> list[str]:
    return list(lex.kinds["percent"]["before"])


@functools.cache
def _patterns(lex: Lexicon) -> _Patterns:
    return _Patterns(lex)


class _Scanner:
    """Scans one width-normalised text; ``source`` is the original for the fact spans."""

    def __init__(self, source: str, language: str | None, lex: Lexicon) -> None:
        self.source = source
        self.text = normalize_width(source)
        self.language = language or ""
        self.lex = lex
        self.p = _patterns(lex)
        self.sentences = context.split_sentences(self.text, lex)
        self.phrase_starts: dict[int, int] = {}  # fact start -> start of its qualifier phrase

    # -- numbers -----------------------------------------------------------------------
    def amount_at(self, match: re.Match[str], money_prefix: bool) -> _Amount | None:
        kind = match.lastgroup
        surface = match.group()
        start, end = match.start(), match.end()
        if kind == "arabic":
            value = parse_arabic(surface)
        elif kind == "chinese":
            while surface and surface[-1] in "点點":
                surface, end = surface[:-1], end - 1
            value = parse_chinese(surface, self.lex) if surface else None
        else:
            value = parse_english_words(re.split(r"[- ]+", surface), self.lex)
        if value is None:
            return None
        factor = chinese_scale_factor(surface, self.lex) if kind == "chinese" else Decimal(1)
        scaled = factor != 1
        more_than = False
        # Scale words: 54.5亿, 3千万, 10多亿, 173.96 billion, 3bn, $5m.
        while True:
            zh = self.p.zh_scale.match(self.text, end) if kind != "english" else None
            if zh and (kind == "arabic" or zh.group("infix")):
                for ch in zh.group("scale"):
                    value *= self.lex.zh_scales[ch]
                    factor *= self.lex.zh_scales[ch]
                more_than = more_than or bool(zh.group("infix"))
                end, scaled = zh.end(), True
                continue
            en = self.p.en_scale.match(self.text, end) if kind != "chinese" else None
            if en:
                value *= self.lex.en_scales[en.group("scale").lower()]
                factor *= self.lex.en_scales[en.group("scale").lower()]
                end, scaled = en.end(), True
                continue
            break
        if not scaled and kind == "arabic":
            abbr = self.p.en_abbreviation.match(self.text, end)
            if abbr:
                factor = self.lex.en_abbreviations[abbr.group("scale").lower()]
                value *= factor
                end, scaled = abbr.end(), True
            elif money_prefix:
                abbr = self.p.en_abbreviation_money.match(self.text, end)
                if abbr:
                    factor = self.lex.en_abbreviations_money_only[abbr.group("scale").lower()]
                    value *= factor
                    end, scaled = abbr.end(), True
        return _Amount(start, end, value, kind, scaled, factor, more_than)

    # -- units -------------------------------------------------------------------------
    def currency_prefix(self, start: int) -> tuple[str, int] | None:
        head = self.text[max(0, start - 16) : start]
        stripped = head.rstrip(" ")
        if len(head) - len(stripped) > 1:
            return None
        offset = start - len(head)
        match = self.p.currency_before.search(stripped)
        if match:
            return self.lex.currency_before[match.group().lower()], offset + match.start()
        match = self.p.yen_sign.search(stripped)
        if match:
            code = self.yen_currency(start)
            return (code, offset + match.start()) if code else None
        return None

    def yen_currency(self, pos: int) -> str | None:
        """¥ is JPY or CNY: the sentence's cue words decide, else the text's language."""
        lo, hi = self.sentences.around(pos)
        if self.p.jpy_cues.search(self.text, lo, hi):
            return "JPY"
        if self.p.cny_cues.search(self.text, lo, hi) or self.language.startswith("zh"):
            return "CNY"
        return None

    def unit_at(self, amount: _Amount, pos: int, prefix_currency: str | None) -> _Unit | None:
        text = self.text
        pos_after_space = pos + 1 if text[pos : pos + 1] == " " else pos
        for p in dict.fromkeys((pos, pos_after_space)):
            if self.p.percent_not_after.match(text, p):
                return None
        for p in dict.fromkeys((pos, pos_after_space)):
            match = self.p.percent_after.match(text, p)
            if match:
                return _Unit("percent", "%", match.end())
        tenths = self.p.tenths_after.match(text, pos)
        if tenths and amount.numeral != "english" and not amount.scaled and 0 < amount.value <= 10:
            end = tenths.end()
            if not text.startswith(self.p.tenths_not_before, end):
                digit = self.p.number.match(text, end)
                if digit and digit.lastgroup == "chinese" and len(digit.group()) == 1:
                    tail = parse_chinese(digit.group(), self.lex)
                    if tail is not None and tail < 10:
                        return _Unit("percent", "%", digit.end(), Decimal(10), tail)
                return _Unit("percent", "%", end, Decimal(10))
        match = self.p.multiple_after.match(text, pos)
        if match and not (match.group().lower() in ("x", "fold") and amount.numeral == "chinese"):
            return _Unit("multiple", "x", match.end())
        times = self.p.times.match(text, pos_after_space)
        if times and self.p.times_followed_by.match(text, times.end() + 1):
            return _Unit("multiple", "x", times.end())
        for p in dict.fromkeys((pos, pos_after_space)):
            match = self.p.currency_after.match(text, p)
            if match:
                surface = match.group().lower()
                if surface in self.lex.after_scale_only and not amount.scaled:
                    continue
                code = self.lex.currency_after[surface]
                if prefix_currency and surface in self.lex.generic_after:
                    code = prefix_currency  # 新台幣100億元: the named currency, not the bare 元
                return _Unit("money", code, match.end())
        if prefix_currency:
            return _Unit("money", prefix_currency, pos)
        return self.people_unit(amount, pos_after_space)

    def people_unit(self, amount: _Amount, pos: int) -> _Unit | None:
        if amount.value != amount.value.to_integral_value() and not amount.scaled:
            return None  # 2.5 people is not a head count
        classifier = self.p.people_classifier.match(self.text, pos)
        noun_pos = classifier.end() if classifier else pos
        noun = self.p.people_nouns.match(self.text, noun_pos)
        if noun:
            return _Unit("people", "persons", noun.end())
        counter = self.p.people_counter.match(self.text, pos)
        if counter and self.p.people_noun_before.search(self.text, max(0, amount.start - 16), amount.start):
            return _Unit("people", "persons", counter.end())  # 工程师1,500名
        weak = self.p.people_weak.match(self.text, noun_pos)
        if weak:
            lo, hi = self.sentences.around(pos)
            if self.p.people_cue.search(self.text, lo, hi):
                return _Unit("people", "persons", weak.end())
        return None

    # -- one candidate -----------------------------------------------------------------
    def is_excluded(self, match: re.Match[str]) -> bool:
        head = self.text[max(0, match.start() - 4) : match.start()]
        if self.p.ordinal_before.search(head) or self.p.vague_before.search(head):
            return True
        return False

    def fact_at(self, match: re.Match[str]) -> tuple[Fact | None, int]:
        """The fact that starts with this number, and where scanning goes on."""
        if self.is_excluded(match):
            return None, match.end()
        prefix = self.currency_prefix(match.start())
        prefix_code = prefix[0] if prefix else None
        low = self.amount_at(match, prefix is not None)
        if low is None:
            return None, match.end()
        span_start = prefix[1] if prefix else low.start
        head = self.text[max(0, low.start - 6) : low.start]
        percent_prefix = self.p.percent_before.search(head)
        permille_prefix = self.p.permille_before.search(head)
        if percent_prefix or permille_prefix:
            span_start = low.start - (len(head) - (percent_prefix or permille_prefix).start())

        high, unit_pos = None, low.end
        # A range: 30-40%, 30%至40%, 5至7亿美元, $5-7 billion, between 5 and 7 billion.
        first_unit = self.p.percent_after.match(self.text, low.end)
        after_low = first_unit.end() if first_unit else low.end
        between = self.p.between_before.search(self.text[max(0, low.start - 10) : low.start])
        separator = (self.p.between_and if between else self.p.range_separator).match(self.text, after_low)
        if separator:
            pos = separator.end()
            repeated = self.p.range_repeat_prefix.match(self.text, pos)  # 30%至百分之四十, $5-$7
            second = self.p.number.match(self.text, repeated.end() if repeated else pos)
            upper = self.amount_at(second, prefix is not None) if second else None
            if upper is not None:
                low_value = low.value * upper.factor if upper.scaled and not low.scaled else low.value
                if low_value <= upper.value:
                    high, unit_pos = upper, upper.end
                    low = replace(low, value=low_value, scaled=low.scaled or upper.scaled)

        last = high or low
        if self.p.date_after.match(self.text, unit_pos) and not last.scaled:
            return None, unit_pos
        unit = self.unit_at(last, unit_pos, prefix_code)
        if unit is None and percent_prefix:
            unit = _Unit("percent", "%", unit_pos)
        if unit is None and permille_prefix:
            unit = _Unit("percent", "%", unit_pos, Decimal("0.1"))
        if unit is None:
            return None, (high.end if high else match.end())
        if unit.kind != "percent" and (percent_prefix or permille_prefix):
            return None, unit.end
        if _ASCII_WORD_CHAR.match(self.text, unit.end - 1) and _ASCII_WORD_CHAR.match(self.text, unit.end):
            return None, unit.end  # the unit runs on into a longer word or code (5bnX, 3x3)

        value = low.value * unit.factor + unit.add
        value_high = (high.value if high else low.value) * unit.factor + unit.add
        span_end = unit.end
        while span_end > span_start and self.source[span_end - 1].isspace():
            span_end -= 1
        sentence = self.sentences.around(span_start)
        qualifier, phrase_start = context.find_qualifier(self.text, span_start, span_end, self.lex)
        if qualifier == "exact" and low.more_than:
            qualifier = "over"
        s_lo, s_hi = context.trimmed(self.source, *sentence)
        fact = Fact(
            quantity_kind=unit.kind,
            value=value,
            value_high=value_high,
            unit=unit.unit,
            category="",  # set by scan(), which knows every other quantity of the text
            qualifier=qualifier,
            year=None,
            text=self.source[span_start:span_end],
            start_char=span_start,
            end_char=span_end,
            sentence=self.source[s_lo:s_hi],
        )
        self.phrase_starts[span_start] = phrase_start
        return fact, span_end

    def scan(self) -> list[Fact]:
        facts: list[Fact] = []
        pos = 0
        while True:
            match = self.p.number.search(self.text, pos)
            if match is None:
                break
            fact, next_pos = self.fact_at(match)
            if fact is not None:
                facts.append(fact)
            pos = max(next_pos, match.end())
        taken = [(f.start_char, f.end_char) for f in facts]
        out: list[Fact] = []
        for f in facts:
            sentence = self.sentences.around(f.start_char)
            phrase_start = self.phrase_starts[f.start_char]
            previous = out[-1] if out else None
            if previous and previous.quantity_kind == f.quantity_kind and context.is_restatement(
                self.text, previous.end_char, phrase_start, self.lex
            ):
                category = previous.category  # 1万亿韩元（约合人民币54.5亿元）: the same amount again
            else:
                others = [(o.start_char, o.end_char) for o in facts if o is not f and o.quantity_kind == f.quantity_kind]
                category = context.find_category(
                    self.text, phrase_start, f.end_char, f.quantity_kind, sentence, others, self.lex
                )
            year = context.find_year(self.text, sentence, taken, f.start_char)
            out.append(replace(f, category=category, year=year))
        return out


def extract_facts(text: str, language: str | None = None, lexicon: Lexicon | None = None) -> list[Fact]:
    """All numeric facts of ``text`` in reading order, spans into ``text`` itself."""
    if not text:
        return []
    return _Scanner(text, language, lexicon or load_lexicon()).scan()
