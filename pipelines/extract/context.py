"""What the words around a number say about it: sentence, qualifier, category, year.

Belongs here: reading context around a span that the engine has already found. Not
here: finding numbers or deciding their kind (``engine.py``). All cue words come from
the lexicon; functions take the width-normalised text (``numerals.normalize_width``).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pipelines.extract.lexicon import Lexicon, alternation, compile_words

# A bullet dash before a capital, a digit or a Chinese character starts a new statement
# ("... [4][8]. - The U.S. has ...", "... - 2024年中国镓出口量 ..."), a dash before a lower-case
# word is a parenthesis ("China - where controls bite - remained").
_SENTENCE_END = re.compile(r"[。！？!?；;]+[」』”’\"')）]*|\n+|\.(?=\s+|$)")
_SENTENCE_END_OR_BULLET = re.compile(
    _SENTENCE_END.pattern + r"|(?:(?<=\s)|(?<=[\u4e00-\u9fff\]）)]))(?<![0-9%$]\s)-\s+(?=[A-Z0-9\u4e00-\u9fff])"
)
# Brackets do not end a clause: 提供64亿美元(约464.64亿元人民币)的补贴 is one phrase.
_CLAUSE_BREAK = re.compile(r"[，,、：:「」『』“”\"]")
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_LATIN_PHRASE = re.compile(r"[A-Za-z]+(?:[ -][A-Za-z]+)*")
_ABBREVIATION_RUN = re.compile(r"[A-Za-z.]+$")
_YEAR = re.compile(r"(?<![\dA-Za-z])(?<!\d[.,])((?:19|20)\d{2})(?![\d%])")


@dataclass(frozen=True)
class Sentences:
    """Sentence boundaries of one text, for finding the sentence around an offset."""

    starts: list[int]
    ends: list[int]

    def around(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        i = max(i, 0)
        return self.starts[i], self.ends[i]


@functools.cache
def _abbreviations(lexicon: Lexicon) -> frozenset[str]:
    return frozenset(lexicon.sentence_abbreviations)


def split_sentences(text: str, lexicon: Lexicon) -> Sentences:
    """Sentence spans: ends at 。！？；!?; a newline, or a full stop before a space that
    does not close an abbreviation (U.S., Inc.) or a decimal number."""
    starts: list[int] = []
    ends: list[int] = []
    start = 0
    abbreviations = _abbreviations(lexicon)
    for match in (_SENTENCE_END_OR_BULLET if "- " in text else _SENTENCE_END).finditer(text):
        if match.group().startswith("."):
            run = _ABBREVIATION_RUN.search(text, max(0, match.start() - 8), match.end())
            if run and run.group() in abbreviations:
                continue
        end = match.end()
        if text[start:end].strip():
            starts.append(start)
            ends.append(end)
        start = end
    if start < len(text) or not starts:
        starts.append(start)
        ends.append(len(text))
    return Sentences(starts, ends)


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@functools.cache
def _qualifier_patterns(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    before = compile_words(list(lexicon.qualifier_before), anchored="end")
    after = compile_words(list(lexicon.qualifier_after), anchored="start")
    bridges = compile_words(list(lexicon.bridges), anchored="end")
    return before, after, bridges


def find_qualifier(text: str, start: int, end: int, lexicon: Lexicon) -> tuple[str, int]:
    """The qualifier of the quantity at [start, end) and where its phrase begins.

    A cue counts only when it stands right against the number (white space and one short
    bridge word such as 为/了/a allowed), so 约 in 约合人民币54.5亿元 qualifies the amount
    and a 约 three clauses earlier does not.
    """
    before_re, after_re, bridge_re = _qualifier_patterns(lexicon)
    window_start = max(0, start - 40)
    head = text[window_start:start].rstrip()
    bridge = bridge_re.search(head)
    candidates = [head]
    if bridge:
        candidates.append(head[: bridge.start()].rstrip())
    for candidate in candidates:
        match = before_re.search(candidate)
        if match:
            return lexicon.qualifier_before[match.group().lower()], window_start + match.start()
    tail = text[end : end + 12]
    match = after_re.match(tail.lstrip(" "))
    if match:
        return lexicon.qualifier_after[match.group().lower()], start
    return "exact", start


@dataclass(frozen=True)
class _CueMatcher:
    """All cue words of one kind in one regex, and what each word means."""

    chinese: re.Pattern[str]  # non-Latin cues: a plain alternation the regex engine scans quickly
    latin_words: int  # the most words in one Latin cue ("year over year" = 3)
    phrase_heads: frozenset[str]  # first words of the Latin cues of several words
    category_of: dict[str, str]  # lower-cased cue word -> category
    order: dict[str, int]  # category -> rank for ties (listed first wins)
    blockers: dict[str, re.Pattern[str]]  # category -> words that may not follow its cue
    needs_also: dict[str, str]  # category -> category whose cue must also be in the sentence
    clause_only: bool  # no fallback to cues elsewhere in the sentence

    def matches(self, text: str, lo: int, hi: int) -> Iterator[tuple[int, int, str]]:
        """(start, end, cue) of every cue in text[lo:hi], longest first where they overlap."""
        for match in self.chinese.finditer(text, lo, hi):
            yield match.start(), match.end(), match.group()
        # Latin cues by dictionary over the words, so that hundreds of cues cost one scan.
        lowered = text[lo:hi].lower()
        words = [(m.start(), m.end()) for m in _LATIN_WORD.finditer(lowered)]
        i = 0
        while i < len(words):
            start, end = words[i]
            n = 1
            if lowered[start:end] in self.phrase_heads:  # a cue of several words may start here
                for n in range(min(self.latin_words, len(words) - i), 0, -1):
                    end = words[i + n - 1][1]
                    if lowered[start:end] in self.category_of:
                        break
            cue = lowered[start:end]
            if cue in self.category_of:
                yield lo + start, lo + end, cue
            i += n


@functools.cache
def _cue_matcher(lexicon: Lexicon, kind: str) -> _CueMatcher | None:
    spec = lexicon.categories[kind]
    if not spec["cues"]:
        return None
    category_of: dict[str, str] = {}
    for category, words in spec["cues"].items():
        for word in words:
            category_of.setdefault(word.lower(), category)
    # Words of Latin letters go through the word dictionary; everything else (Chinese, and
    # signs such as "/kg") through one regular expression.
    latin = [w for w in category_of if _LATIN_PHRASE.fullmatch(w)]
    other = [w for w in category_of if not _LATIN_PHRASE.fullmatch(w)]
    return _CueMatcher(
        chinese=re.compile(alternation(other)),
        latin_words=max((len(_LATIN_WORD.findall(w)) for w in latin), default=0),
        phrase_heads=frozenset(_LATIN_WORD.findall(w)[0] for w in latin if len(_LATIN_WORD.findall(w)) > 1),
        category_of=category_of,
        order={category: i for i, category in enumerate(spec["cues"])},
        blockers={c: compile_words(w, anchored="start") for c, w in spec["not_followed_by"].items()},
        needs_also=spec["needs_also"],
        clause_only=spec["clause_only"],
    )


def _nearest_cue(
    text: str, window: tuple[int, int], span: tuple[int, int], cues: _CueMatcher,
    others: list[tuple[int, int]], sentence_categories: Callable[[], set[str]],
) -> str | None:
    """The category of the cue nearest to ``span`` within ``window``; ``others`` are
    quantities that claim the cues beyond them (empty: no claims)."""
    start, end = span
    best: tuple[int, int, int, str] | None = None  # (distance, -length, order, category)
    for cue_start, cue_end, cue in cues.matches(text, *window):
        if cue_start < end and cue_end > start:
            continue  # inside the quantity itself
        category = cues.category_of[cue]
        required = cues.needs_also.get(category)
        if required is not None and required not in sentence_categories():
            continue
        blocker = cues.blockers.get(category)
        if blocker is not None:
            after = cue_end
            while after < len(text) and text[after] == " ":
                after += 1
            if blocker.match(text, after):
                continue
        gap = (cue_end, start) if cue_end <= start else (end, cue_start)
        if any(gap[0] <= o_start and o_end <= gap[1] for o_start, o_end in others):
            continue  # another quantity stands between: the cue is that one's
        key = (gap[1] - gap[0], -(cue_end - cue_start), cues.order[category], category)
        if best is None or key < best:
            best = key
    return best[3] if best else None


def find_category(
    text: str, start: int, end: int, kind: str, sentence: tuple[int, int], others: list[tuple[int, int]],
    lexicon: Lexicon,
) -> str:
    """The category whose cue stands nearest the quantity in its clause (either side), else
    the nearest cue before it in its sentence; the kind's default when neither has one.

    In the sentence, a cue with another quantity of the kind (``others``) between it and
    this one belongs to that other quantity; cues after the quantity in another clause
    describe what comes next, not this number."""
    cues = _cue_matcher(lexicon, kind)
    if cues is not None:
        s_lo, s_hi = sentence
        # The clause: from the last break before the quantity to the first one after it.
        lo = s_lo
        for match in _CLAUSE_BREAK.finditer(text, s_lo, start):
            lo = match.end()
        after = _CLAUSE_BREAK.search(text, end, s_hi)
        hi = after.start() if after else s_hi
        found: list[set[str]] = []

        def in_sentence() -> set[str]:  # read once, and only when a cue needs another category's cue
            if not found:
                found.append({cues.category_of[cue] for _, _, cue in cues.matches(text, s_lo, s_hi)})
            return found[0]

        category = _nearest_cue(text, (lo, hi), (start, end), cues, [], in_sentence)
        if category is None and not cues.clause_only:
            category = _nearest_cue(text, (s_lo, start), (start, end), cues, others, in_sentence)
        if category:
            return category
    return lexicon.categories[kind]["default"]


@functools.cache
def _restatement_link(lexicon: Lexicon) -> re.Pattern[str]:
    words = alternation(list(lexicon.restatement_links))
    return re.compile(rf"[\s(（\[【,，]*(?:(?:{words})[\s,，:：]*)?$", re.IGNORECASE)


def is_restatement(text: str, previous_end: int, start: int, lexicon: Lexicon) -> bool:
    """True when only a bracket or a link word (约合, equivalent to) separates this
    quantity from the previous one: it restates the same amount in another unit."""
    between = text[previous_end:start]
    return len(between) <= 24 and bool(_restatement_link(lexicon).fullmatch(between)) and (
        any(ch in between for ch in "(（[【") or bool(between.strip(" ,，"))
    )


def find_year(text: str, sentence: tuple[int, int], taken: list[tuple[int, int]], start: int) -> int | None:
    """The year named in the sentence nearest to the quantity, if the sentence names one.

    Numbers that are themselves facts (``taken`` spans) are not years.
    """
    best: tuple[int, int] | None = None
    for match in _YEAR.finditer(text, *sentence):
        if any(s <= match.start() < e for s, e in taken):
            continue
        distance = abs(match.start() - start)
        if best is None or distance < best[0]:
            best = (distance, int(match.group(1)))
    return best[1] if best else None
