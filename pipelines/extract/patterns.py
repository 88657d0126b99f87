"""The engine's regular expressions, compiled once per lexicon.

Belongs here: turning lexicon word lists into patterns (numbers, scale words, units,
currencies, head-count nouns, prefixes) and the character sets of the engine's cheap
pre-checks. Not here: what a match means (``engine.py``).
"""

from __future__ import annotations

import functools
import platform
import re

from pipelines.extract.lexicon import Lexicon, alternation, compile_words

RANGE_SEPARATORS = ["-", "–", "—", "~", "～", "〜", "至", "到", "to"]
# The most digits-or-units a fraction's denominator is written with (一百二十三分之 has 5).
MAX_DENOMINATOR_ITEMS = 8


class Patterns:
    """Regular expressions compiled from one lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        digits = re.escape("".join(lex.zh_digits))
        units = re.escape("".join([*lex.zh_small_units, *lex.zh_big_units]))
        approx = re.escape("".join(lex.zh_approximate))
        point = re.escape("".join(lex.zh_point))
        tens = re.escape("".join(k for k, v in lex.zh_small_units.items() if v == 10))
        negative = alternation(list(lex.zh_negative))
        joiner = alternation(list(lex.zh_fraction_joiner))
        mark = re.escape(lex.zh_fraction_mark)
        # Every repeat below has one way to read a given text: a run of digits is one item
        # (``\d+(?!\d)`` cannot stop inside it), the other items are one character each. So
        # a failing match backtracks in linear time, never through the exponentially many
        # ways to split a run, without possessive repeats or atomic groups (which early
        # Python 3.11 releases, 3.11.2 among them, matched wrongly: "12" read as "1").
        arabic = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?!\d))(?:\.\d+(?!\d))?"
        big_units = re.escape("".join(lex.zh_big_units))
        numeral = (rf"(?:{arabic}|[{digits}{tens}])(?:{arabic}|[{digits}{units}]|[{approx}](?=[{units}])"
                   rf"|(?<=[{digits}])、(?=[{digits}]))*"
                   rf"[{approx}]?(?:[{point}][{digits}0-9]+(?![{digits}0-9])[{big_units}]*)?")
        signed = rf"(?:{negative})?{numeral}"
        # 百分之七十, 万分之三, 百分之百: the denominator may be a bare unit too. It is a
        # short numeral (百, 三, 1000, 十万); the bound keeps a long run of units that
        # is no fraction (亿亿亿…) from being read up to its end again at every position.
        fraction = (rf"(?:{arabic}|[{digits}{units}]){{1,{MAX_DENOMINATOR_ITEMS}}}{mark}(?:{negative})?"
                    rf"(?:{numeral}|[{units}]+)")
        en_words = alternation(list(lex.en_units))
        multiplicatives = alternation(list(lex.en_multiplicatives))
        self.number = re.compile(
            # Digits must not continue a word or a number (H20, 2Q25, v1.2); Chinese numerals may
            # follow Latin text (MP Materials四億美元).
            rf"(?P<numeral>(?:(?<![A-Za-z0-9_])(?<!\d[.,])(?=[-\d])|(?![-\d]))"
            rf"(?:(?<![A-Za-z0-9%.)])-|{negative})?"
            rf"(?:{fraction}|{numeral}(?:(?:{joiner}){signed}{mark}{signed})?))"
            rf"|(?P<english>(?<![A-Za-z])(?:{en_words})(?:[- ](?:{en_words}))*(?![A-Za-z]))"
            rf"|(?P<multiplicative>(?<![A-Za-z])(?:{multiplicatives})(?![A-Za-z]))",
            re.IGNORECASE,
        )
        # Where a number can start: a cheap scan, then the full pattern is tried only there.
        starts = re.escape("".join([*lex.zh_digits, *lex.zh_small_units, *lex.zh_big_units, *lex.zh_negative]))
        self.numeral_start = re.compile(rf"[0-9{starts}-]")
        # Characters that can continue a numeral token: a Chinese digit followed by none of
        # them is a one-character token (一个, 统一, 三星).
        self.numeral_chars = frozenset("0123456789,.、-" + "".join(
            [*lex.zh_digits, *lex.zh_small_units, *lex.zh_big_units, *lex.zh_approximate, *lex.zh_point,
             *lex.zh_negative, *lex.zh_fraction_joiner, lex.zh_fraction_mark]))
        self.word_start = re.compile(rf"\b(?:{en_words}|{multiplicatives})\b", re.IGNORECASE)
        # The same over lower-cased text: a case-blind scan is several times slower.
        self.word_start_lower = re.compile(
            rf"\b(?:{alternation([w.lower() for w in (*lex.en_units, *lex.en_multiplicatives)])})\b")
        # A minus sign before a currency sign (-$5 million), not a hyphen after a word or number.
        self.sign_before = re.compile(rf"(?:(?<![A-Za-z0-9%.)])-|{negative})$")
        self.en_negative = re.compile(rf"(?<![A-Za-z])(?:{alternation(list(lex.en_negative))})\s+$", re.IGNORECASE)
        self.en_scale = re.compile(rf"[ -]?(?P<scale>{alternation(list(lex.en_scales))})(?![A-Za-z])", re.IGNORECASE)
        self.en_abbreviation = re.compile(
            rf" ?(?P<scale>{alternation(list(lex.en_abbreviations))})(?![A-Za-z])", re.IGNORECASE
        )
        self.en_abbreviation_money = re.compile(
            rf"(?P<scale>{alternation(list(lex.en_abbreviations_money_only))})(?![A-Za-z])", re.IGNORECASE
        )
        self.range_separator = re.compile(rf"\s*(?:{alternation(RANGE_SEPARATORS)})\s*", re.IGNORECASE)
        # Currency prefixes in Latin letters count only as written and as a word of their own
        # (currencies.yaml, "Prefixes in Latin letters"): read by the same rule everywhere.
        # ``lex.currency_before`` is keyed lower-cased: take the surfaces as the lexicon writes them.
        prefixes = {"latin_as_written": True, "not_after": lex.prefix_not_after}
        written_before = [surface for currency in lex.currencies for surface in currency.before]
        self.range_repeat_prefix = compile_words([*written_before, *lex.yen_signs], anchored="start", **prefixes)
        self.between_and = re.compile(r"\s+and\s+", re.IGNORECASE)
        self.between_before = re.compile(r"\bbetween\s+$", re.IGNORECASE)
        self.change_from_before = re.compile(rf"(?<![A-Za-z])(?:{alternation(list(lex.en_change_from))})\s+$",
                                             re.IGNORECASE)
        kinds = lex.kinds
        self.percent_after = compile_words(kinds["percent"]["after"], anchored="start")
        self.basis_points_after = compile_words(kinds["percent"]["basis_points_after"], anchored="start")
        self.percent_before = re.compile(rf"(?:{alternation(kinds['percent']['before'])})\s+$", re.IGNORECASE)
        self.tenths_after = compile_words(kinds["percent"]["tenths_after"], anchored="start")
        self.tenths_not_before = tuple(kinds["percent"]["tenths_not_before"])
        self.multiple_after = compile_words(kinds["multiple"]["after"], anchored="start")
        self.times = compile_words(kinds["multiple"]["times_words"], anchored="start")
        self.times_followed_by = compile_words(kinds["multiple"]["times_followed_by"], anchored="start")
        self.currency_before = compile_words(written_before, anchored="end", **prefixes)
        self.currency_after = compile_words(list(lex.currency_after), anchored="start")
        self.yen_sign = compile_words(list(lex.yen_signs), anchored="end")
        self.subunits = {code: compile_words(list(words), anchored="start") for code, words in lex.subunits.items()}
        self.subunit_joiner = compile_words(list(lex.subunit_joiners), anchored="start")
        self.people_classifier = compile_words(kinds["people"]["classifiers"], anchored="start")
        self.people_nouns = compile_words(kinds["people"]["nouns"], anchored="start")
        self.people_counter = compile_words(kinds["people"]["counters_after_noun"], anchored="start")
        self.people_over_sign = compile_words(kinds["people"]["over_signs"], anchored="start")
        qualifier_cues = alternation(list(lex.qualifier_before))
        self.people_noun_before = re.compile(
            rf"(?:{alternation(kinds['people']['nouns'])})\s*(?:{qualifier_cues})?\s*$", re.IGNORECASE
        )
        self.people_weak = compile_words(kinds["people"]["weak_nouns"], anchored="start")
        self.people_cue = compile_words([*kinds["people"]["weak_needs_cue"], *kinds["people"]["nouns"]],
                                        anchored="start")
        words, chars = int(kinds["people"]["max_modifier_words"]), int(kinds["people"]["max_modifier_chars"])
        # Modifiers between a number and its head-count noun: Latin words (not "of", "and"...
        # which start a new phrase) or a few Chinese characters after a measure word.
        latin_nouns = alternation([w for w in kinds["people"]["nouns"] if w[:1].isascii()])
        self.people_latin_modifiers = re.compile(
            rf"(?:(?!(?:of|and|or|in|at|to|for|the)\b)[A-Za-z][A-Za-z-]* ){{1,{words}}}?(?=(?:{latin_nouns})\b)",
            re.IGNORECASE,
        )
        self.people_han_modifiers = re.compile(rf"[\u4e00-\u9fff]{{1,{chars}}}?(?={alternation(kinds['people']['nouns'])})")
        self.ordinal_before = compile_words(list(lex.ordinal_before), anchored="end")
        self.vague_before = compile_words(list(lex.zh_vague_before), anchored="end")
        self.jpy_cues = compile_words(list(lex.jpy_cues), anchored="start")
        # First characters of everything that may follow a number and last characters of
        # everything that may precede it: a number with neither is no fact, unparsed.
        followers = [*kinds["percent"]["after"], *kinds["percent"]["basis_points_after"],
                     *kinds["percent"]["tenths_after"], *kinds["multiple"]["after"], *kinds["multiple"]["times_words"],
                     *lex.currency_after, *kinds["people"]["classifiers"], *kinds["people"]["nouns"],
                     *kinds["people"]["weak_nouns"], *kinds["people"]["counters_after_noun"], *kinds["people"]["over_signs"],
                     *lex.en_scales,
                     *lex.en_abbreviations, *lex.en_abbreviations_money_only, *RANGE_SEPARATORS, "and"]
        self.follower_chars = frozenset(w[:1].lower() for w in followers)
        preceders = [*lex.currency_before, *lex.yen_signs, *kinds["percent"]["before"], *lex.en_negative]
        self.preceder_chars = frozenset(w[-1:].lower() for w in preceders)
        self.cny_cues = compile_words(list(lex.cny_cues), anchored="start")


# Texts whose reading by ``Patterns.number`` is known: a regex engine that reads any of
# them differently would make the engine silently miss or misread facts.
SELF_TEST_NUMBERS = {
    "12": "12",
    "2025年": "2025",
    "124,000个": "124,000",
    "173.96 billion": "173.96",
    "54.5亿美元": "54.5亿",
    "一百二十万人": "一百二十万",
    "五十四点五亿": "五十四点五亿",
    "百分之七点四": "百分之七点四",
    "三百五又三分之一": "三百五又三分之一",
    "twenty-five percent": "twenty-five",
}


def self_test(patterns: Patterns) -> None:
    """Check the compiled number pattern on known texts; raise if the regex engine of this
    Python reads any of them wrongly (Python 3.11.2's possessive-repeat bug read "12" as
    "1" and found 1 of the 19 seed facts, without any error)."""
    for text, expected in SELF_TEST_NUMBERS.items():
        match = patterns.number.match(text)
        got = match.group() if match else None
        if got != expected:
            raise RuntimeError(
                f"the fact engine's number pattern reads {text!r} as {got!r}, not {expected!r}, under Python "
                f"{platform.python_version()} ({platform.python_implementation()}): this Python's regular "
                "expression engine is not fit to run the extractor; use a later Python release"
            )


@functools.cache
def compiled_patterns(lex: Lexicon) -> Patterns:
    patterns = Patterns(lex)
    self_test(patterns)  # once per process and lexicon: the cost of ten short matches
    return patterns
