"""What the words around a number say about it: sentence, qualifier, metric, year.

Belongs here: reading context around a span that the engine has already found. Not
here: finding numbers or deciding their kind (``engine.py``). All cue words come from
the lexicon; functions take the width-normalised text (``numerals.normalize_width``).
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import re
from collections.abc import Iterator
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
_LABEL_COLONS = ":："  # a clause ending on one is the label of the value after it
_CLAUSE_BREAK = re.compile(r"[，,、：:「」『』“”\"]")
# Where a window of a long sentence may be cut: after clause punctuation (not a comma
# between digits, 124,000), failing that after a space.
_WINDOW_CUT = re.compile(r"[，、：；;]|[,:](?!\d)")
_WORD_CUT = re.compile(r"\s")
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_PHRASE = re.compile(r"[A-Za-z]+(?:[ -][A-Za-z]+)*")
_ABBREVIATION_RUN = re.compile(r"[A-Za-z.]+$")
# A year: 2025, FY2024; 11年 is 2011 (two digits glued to 年, not 11年来 "for 11 years").
_YEAR = re.compile(r"(?:(?<![\dA-Za-z])|(?<=FY))(?<!\d[.,])((?:19|20)\d{2})(?![\d%])"
                   r"|(?<![\d.,])(\d{2})(?=年(?![来內内间後后前半多度]))")


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
    pattern = _SENTENCE_END_OR_BULLET if "- " in text else _SENTENCE_END
    for at, end in [match.span() for match in pattern.finditer(text)]:
        if text[at] == ".":  # the full stop alternative (a match is never empty)
            run = _ABBREVIATION_RUN.search(text, max(0, at - 8), end)
            if run and run.group() in abbreviations:
                continue
        if not text[start:end].isspace():  # never empty: end > at >= start
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


def window(text: str, bounds: tuple[int, int], span: tuple[int, int], width: int) -> tuple[int, int]:
    """At most ``width`` characters of ``text[bounds]`` around ``span``. Where an end of the
    window falls inside the bounds, it moves inward to a clause break (else a word break),
    leaving the break out, so that the window shows whole clauses; it moves at most half
    way to the span, so that a clause break far from the window's edge costs no context."""
    lo_bound, hi_bound = bounds
    start, end = span
    if end - start >= width:
        return start, start + width  # the quantity alone fills the window
    lo = max(lo_bound, start - (width - (end - start)) // 2)
    hi = min(hi_bound, lo + width)
    lo = max(lo_bound, hi - width)
    if lo > lo_bound:
        for cut in (_WINDOW_CUT, _WORD_CUT):
            found = cut.search(text, lo, lo + (start - lo) // 2)
            if found:
                lo = found.end()
                break
    if hi < hi_bound:
        for cut in (_WINDOW_CUT, _WORD_CUT):
            found = None
            for found in cut.finditer(text, hi - (hi - end) // 2, hi):
                pass
            if found:
                hi = found.start()
                break
    return trimmed(text, lo, hi)


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
    latin: re.Pattern[str]  # Latin cues, lower case, as whole words
    metric_of: dict[str, str]  # lower-cased cue word -> metric (the first listed)
    also_of: dict[str, tuple[str, ...]]  # a cue listed for several metrics -> the later ones
    order: dict[str, int]  # metric -> rank for ties (listed first wins)
    blockers: dict[str, re.Pattern[str]]  # metric -> words that may not follow its cue
    needs_also: dict[str, str]  # metric -> metric whose cue must also be in the sentence
    clause_only: bool  # no fallback to cues elsewhere in the sentence
    prefer_in_clause: tuple[str, ...]  # among these metrics, the first whose cue is in the clause wins

    def matches(self, text: str, lo: int, hi: int) -> Iterator[tuple[int, int, str]]:
        """(start, end, cue) of every cue in text[lo:hi], longest first where they overlap."""
        for match in self.chinese.finditer(text, lo, hi):
            yield match.start(), match.end(), match.group().lower()
        # Latin cues over the lower-cased window: a case-blind pattern would lose the regex
        # engine's scan for a first character.
        lowered = text[lo:hi].lower()
        if len(lowered) != hi - lo:  # a letter whose lower case is longer (İ): offsets kept, case left
            lowered = text[lo:hi]
        for match in self.latin.finditer(lowered):
            yield lo + match.start(), lo + match.end(), match.group()


def build_cue_matcher(cues: dict[str, list[str]], blockers: dict[str, list[str]] | None = None,
                      needs_also: dict[str, str] | None = None, clause_only: bool = False,
                      prefer_in_clause: tuple[str, ...] = ()) -> _CueMatcher:
    """One matcher for cue words that each name a label (a metric, a topic)."""
    metric_of: dict[str, str] = {}
    also_of: dict[str, tuple[str, ...]] = {}
    for label, words in cues.items():
        for word in words:
            first = metric_of.setdefault(word.lower(), label)
            if first != label:  # 损失: sales_loss with a sales word in its clause, else a charge
                also_of[word.lower()] = (*also_of.get(word.lower(), ()), label)
    # Words of Latin letters as whole words over lower-cased text; everything else (Chinese,
    # and signs such as "/kg") through another regular expression.
    latin = [w for w in metric_of if _LATIN_PHRASE.fullmatch(w)]
    other = [w for w in metric_of if not _LATIN_PHRASE.fullmatch(w)]
    # Case-insensitive matching would cost the regex engine its scan for a first character
    # (several times slower on Chinese text): the few words with cased letters (/kg) are
    # listed in their usual cases instead.
    cased = [v for w in other if w.lower() != w.upper() for v in (w.lower(), w.upper(), w.title())]
    return _CueMatcher(
        chinese=re.compile(alternation([*other, *cased])),
        latin=re.compile(rf"(?<![A-Za-z])(?:{alternation(latin)})(?![A-Za-z])"),
        metric_of=metric_of,
        also_of=also_of,
        order={label: i for i, label in enumerate(cues)},
        blockers={c: compile_words(w, anchored="start") for c, w in (blockers or {}).items()},
        needs_also=dict(needs_also or {}),
        clause_only=clause_only,
        prefer_in_clause=tuple(prefer_in_clause),
    )


@functools.cache
def _cue_matcher(lexicon: Lexicon, kind: str) -> _CueMatcher | None:
    spec = lexicon.metrics[kind]
    if not spec["cues"]:
        return None
    return build_cue_matcher(spec["cues"], spec["not_followed_by"], spec["needs_also"], spec["clause_only"],
                             tuple(spec["prefer_in_clause"]))


# A cue found in the text: (start, end, tie, metric), tie = (-length, rank of the
# metric): on equal distance the longer cue, then the metric listed first, wins.
# Plain tuples: thousands are made per long text.
_Cue = tuple[int, int, tuple[int, int], str]


class _WindowCues:
    """The cues of one kind in one clause or sentence that may count (not blocked by the
    word after them, their ``needs_also`` met). The first lookup reads them in turn; from
    the second on (a clause with many quantities), they are sorted once and bisected."""

    def __init__(self, cues: list[_Cue]) -> None:
        self.cues = cues
        self.looked_up = self.sorted = False

    def nearest(self, window: tuple[int, int], span: tuple[int, int], after: bool = True,
                claimed_until: int = -1) -> _Cue | None:
        """The cue within ``window`` nearest to ``span`` before it (ending after
        ``claimed_until``) or, if ``after``, behind it."""
        lo, hi = window
        start, end = span
        if not self.looked_up:
            self.looked_up = True
            candidates = self.cues
        else:
            if not self.sorted:
                self.sort()
            candidates = self.before_sorted(lo, start, claimed_until)
            if after:
                candidates += self.after_sorted(end, hi)
        best, found = None, None
        for cue in candidates:
            cue_start, cue_end, tie, _ = cue
            if lo <= cue_start and claimed_until < cue_end <= start:
                key = (start - cue_end, tie)
            elif after and end <= cue_start and cue_end <= hi:
                key = (cue_start - end, tie)
            else:
                continue
            if best is None or key < best:
                best, found = key, cue
        return found

    def sort(self) -> None:
        self.by_start = sorted(self.cues)
        self.starts = [c[0] for c in self.by_start]
        self.by_end = sorted(self.cues, key=_END)
        self.ends = [c[1] for c in self.by_end]
        self.sorted = True

    def before_sorted(self, lo: int, pos: int, claimed_until: int) -> list[_Cue]:
        """The cues within [lo, pos) ending after ``claimed_until`` that end nearest to
        ``pos`` (several on a tie)."""
        found: list[_Cue] = []
        i = bisect.bisect_right(self.ends, pos) - 1
        while i >= 0 and self.ends[i] > max(lo, claimed_until) and (not found or self.ends[i] == found[0][1]):
            if self.by_end[i][0] >= lo:
                found.append(self.by_end[i])
            i -= 1
        return found

    def after_sorted(self, pos: int, hi: int) -> list[_Cue]:
        """The cues within [pos, hi) that start nearest to ``pos`` (several on a tie)."""
        found: list[_Cue] = []
        i = bisect.bisect_left(self.starts, pos)
        while i < len(self.starts) and self.starts[i] < hi and (not found or self.starts[i] == found[0][0]):
            if self.by_start[i][1] <= hi:
                found.append(self.by_start[i])
            i += 1
        return found


_END = operator.itemgetter(1)
_NO_CUES = _WindowCues([])


class TextContext:
    """What every fact of one text reads around itself (clause breaks, cue words, years),
    found once per sentence or clause and then looked up by bisection.

    Reading them again for every fact (from the sentence start, over the whole sentence,
    against every other fact) made a long sentence with many facts cost quadratic or
    cubic time: 138 s for 8,000 characters of 「2020年增长1%，」.
    """

    def __init__(self, text: str, lexicon: Lexicon, taken: list[tuple[int, int]]) -> None:
        self.text = text
        self.lexicon = lexicon
        self.taken = taken  # the spans of all facts, in order
        self._breaks: dict[tuple[int, int], list[int]] = {}
        self._years: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
        self._cues: dict[tuple[str, int, int], _WindowCues] = {}
        self._present: dict[tuple[str, int, int], set[str]] = {}
        self._relative: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._promote: dict[tuple[str, int, int], str] = {}

    # -- metric --------------------------------------------------------------------------
    def cues_in(self, kind: str, cues: _CueMatcher, window: tuple[int, int], sentence: tuple[int, int]) -> _WindowCues:
        """The cues of ``kind`` in a clause or sentence (``window``) that may count for a
        quantity, found once: a cue whose metric needs another metric's cue in its
        clause (``needs_also``) counts only with it (else for the next metric that lists
        it), and a cue followed by one of its
        blockers (growth "rose to" 60%: the level) does not count."""
        key = (kind, *window)
        found = self._cues.get(key)
        if found is None:
            text, usable = self.text, []
            for cue_start, cue_end, cue in cues.matches(text, *window):
                for metric in (cues.metric_of[cue], *cues.also_of.get(cue, ())):
                    required = cues.needs_also.get(metric)
                    if required is None or required in self.metrics_in(
                            kind, cues, self.clause(sentence, cue_start, cue_end)):
                        break
                else:
                    continue
                blocker = cues.blockers.get(metric)
                if blocker is not None and blocker.match(text, _skip_spaces(text, cue_end)):
                    continue
                usable.append((cue_start, cue_end, (cue_start - cue_end, cues.order[metric]), metric))
            found = self._cues[key] = _WindowCues(usable) if usable else _NO_CUES
        return found

    def clause_cues(self, kind: str, clause: tuple[int, int], sentence: tuple[int, int]) -> list[_Cue]:
        """The cues of ``kind`` in a clause that may count (as ``cues_in``)."""
        cues = _cue_matcher(self.lexicon, kind)
        return [] if cues is None else self.cues_in(kind, cues, clause, sentence).cues

    def metrics_in(self, kind: str, cues: _CueMatcher, sentence: tuple[int, int]) -> set[str]:
        """The metrics whose cues a clause holds, read once, and only for a cue whose
        metric needs another one's cue in the sentence (``needs_also``)."""
        key = (kind, *sentence)
        found = self._present.get(key)
        if found is None:
            found = self._present[key] = {cues.metric_of[cue] for _, _, cue in cues.matches(self.text, *sentence)}
        return found

    def clause(self, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
        """From the last clause break before [start, end) to the first one after it, within the sentence."""
        breaks = self._breaks.get(sentence)
        if breaks is None:
            breaks = self._breaks[sentence] = [m.start() for m in _CLAUSE_BREAK.finditer(self.text, *sentence)]
        i = bisect.bisect_left(breaks, start)
        lo = breaks[i - 1] + 1 if i > 0 else sentence[0]
        j = bisect.bisect_left(breaks, end, i)
        return lo, (breaks[j] if j < len(breaks) else sentence[1])

    def clauses_before(self, sentence: tuple[int, int], clause_start: int) -> Iterator[tuple[int, int]]:
        """The clauses of the sentence before the one starting at ``clause_start``, nearest first."""
        breaks = self._breaks[sentence]  # read by ``clause`` first
        i = bisect.bisect_left(breaks, clause_start - 1) - 1
        hi = clause_start - 1
        while hi > sentence[0]:
            lo = breaks[i] + 1 if i >= 0 else sentence[0]
            if lo < hi:
                yield lo, hi
            hi, i = lo - 1, i - 1

    def metric(self, start: int, end: int, kind: str, sentence: tuple[int, int],
               others: list[tuple[int, int]], inside: tuple[int, int] | None = None) -> tuple[str, tuple[int, int] | None]:
        """The metric of the quantity at [start, end) and the cue that chose it (None: the
        kind's default). The metric whose cue stands nearest the quantity in its clause (either
        side) wins, else the nearest cue before it in its sentence; a cue ``inside`` the
        quantity's own span (its head-count noun) counts only when its clause holds no other.

        In the sentence, a cue with another quantity of the kind (``others``, sorted spans)
        between it and this one belongs to that other quantity; cues after the quantity in
        another clause describe what comes next, not this number."""
        cues = _cue_matcher(self.lexicon, kind)
        if cues is not None:
            clause = self.clause(sentence, start, end)
            found = self.cues_in(kind, cues, clause, sentence)
            cue = found.nearest(clause, (start, end))
            if cue is None and inside is not None:
                cue = found.nearest(inside, (inside[0], inside[0]))  # the noun inside the span
            if cue is None and clause[0] > sentence[0] and self.text[clause[0] - 1] in _LABEL_COLONS:
                label = self.clause(sentence, clause[0] - 1, clause[0] - 1)  # 毛利率：22.4%: the label names it
                cue = self.cues_in(kind, cues, label, sentence).nearest(label, (clause[0], clause[0]), after=False)
            if cue is None and not cues.clause_only:
                # A cue before another quantity of the kind that lies wholly before this one is that one's.
                cue = self.cues_in(kind, cues, sentence, sentence).nearest(
                    sentence, (start, end), after=False, claimed_until=_last_start_before(others, start))
            if cue is not None:
                if cue[3] in cues.prefer_in_clause:
                    cue = self.preferred(cues, found, cue)
                return self.promoted(kind, cue[3], sentence), (cue[0], cue[1])
        default = self.lexicon.metrics[kind]["default"]
        return self.promoted(kind, default, sentence), None

    def promoted(self, kind: str, metric: str, sentence: tuple[int, int]) -> str:
        """``metric``, or the one it becomes in a sentence holding certain words
        (``promote_in_sentence``: share_other in a sentence about a market is market_share);
        the first target whose words the sentence holds wins."""
        rules = _promotions(self.lexicon, kind).get(metric)
        if rules is None:
            return metric
        key = (metric, *sentence)
        found = self._promote.get(key)
        if found is None:  # read once per sentence, however many quantities it holds
            found = self._promote[key] = next(
                (target for target, words in rules if words.search(self.text, *sentence)), metric)
        return found

    @staticmethod
    def preferred(cues: _CueMatcher, found: _WindowCues, chosen: _Cue) -> _Cue:
        """Of the clause's cues whose metrics are in ``prefer_in_clause``, one of the metric
        listed first (the nearest to ``chosen`` on a tie): "relying on Chinese supply chains for
        70%" is dependence, not supply."""
        rank = {metric: i for i, metric in enumerate(cues.prefer_in_clause)}
        best = chosen
        for cue in found.cues:
            if cue[3] in rank and (rank[cue[3]], abs(cue[0] - chosen[0])) < (rank[best[3]], abs(best[0] - chosen[0])):
                best = cue
        return best

    # -- year ----------------------------------------------------------------------------
    def year(self, sentence: tuple[int, int], start: int) -> int | None:
        """The year named in the sentence nearest to the quantity (the earlier on a tie), if
        the sentence names one; numbers that are themselves facts are no years."""
        found = self._years.get(sentence)
        if found is None:
            found = self._years[sentence] = self.years_in(sentence)
        positions, values = found
        i = bisect.bisect_right(positions, start)
        nearest = [(start - positions[i - 1], i - 1)] if i > 0 else []
        if i < len(positions):
            nearest.append((positions[i] - start, i))
        return values[min(nearest)[1]] if nearest else None

    def years_in(self, sentence: tuple[int, int]) -> tuple[list[int], list[int]]:
        """Where the sentence names a year and which, leaving out numbers that are facts."""
        positions: list[int] = []
        values: list[int] = []
        for match in _YEAR.finditer(self.text, *sentence):
            i = bisect.bisect_right(self.taken, (match.start(), math.inf)) - 1
            if i >= 0 and self.taken[i][1] > match.start():
                continue  # inside a fact
            positions.append(match.start())
            values.append(int(match.group(1)) if match.group(1) else 2000 + int(match.group(2)))
        return positions, values

    def relative_year(self, sentence: tuple[int, int], start: int) -> int | None:
        """The offset of the relative year (去年 -1, this year 0) named in the sentence nearest
        to ``start``, if any."""
        found = self._relative.get(sentence)
        if found is None:
            found = self._relative[sentence] = [
                (m.start(), self.lexicon.relative_years[m.group().lower()])
                for m in _relative_year_pattern(self.lexicon).finditer(self.text, *sentence)]
        return min(found, key=lambda f: abs(f[0] - start))[1] if found else None


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _last_start_before(spans: list[tuple[int, int]], pos: int) -> int:
    """The start of the last of ``spans`` (sorted, not overlapping) that ends by ``pos``; -1 if none."""
    i = bisect.bisect_right(spans, (pos, pos)) - 1
    while i >= 0 and spans[i][1] > pos:
        i -= 1
    return spans[i][0] if i >= 0 else -1


@functools.cache
def _promotions(lexicon: Lexicon, kind: str) -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    return {metric: tuple((target, compile_words(words, anchored="start")) for target, words in rules)
            for metric, rules in lexicon.metrics[kind]["promote_in_sentence"].items()}


@functools.cache
def _relative_year_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    return compile_words(list(lexicon.relative_years), anchored="start")


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
