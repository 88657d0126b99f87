"""What a quantity is about: its subject (whose) and topic (of what) (GUIDELINES.md "What a
fact is about").

Belongs here: choosing, for a quantity the engine found, the entity mention that owns it
and the topic cue that says what it is about, from the words of its clause, the earlier
clauses of its sentence and the previous sentence of its paragraph. Not here: finding
entity mentions (``entities.py``), metrics and years (``context.py``). All words come from
the lexicons; offsets are in the text the engine scans.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipelines.extract import context
from pipelines.extract.entities import Mention, entity_finder
from pipelines.extract.lexicon import Lexicon, SuffixPattern, alternation, compile_words

# Entity types that can head a phrase after a place (荷兰光刻机巨头阿斯麦 -> ASML Holding).
_HEADS = frozenset({"company", "organisation"})
_PLACES = frozenset({"country", "region"})
NO_TOPIC = "none"


@dataclass(frozen=True)
class Subject:
    name: str
    start: int  # the mention that named it
    end: int
    phrase_start: int  # where its phrase begins (a place and descriptors before a company)


@dataclass(frozen=True)
class Topic:
    name: str | None  # None: the sentence is about a sector the topic list does not hold
    start: int
    end: int


@functools.cache
def _patterns(lexicon: Lexicon) -> _Patterns:
    return _Patterns(
        topics=context.build_cue_matcher(lexicon.topics),
        source=compile_words(list(lexicon.source_before), anchored="end"),
        nobody=compile_words(list(lexicon.nobody_before), anchored="start"),
        nobody_not_after=compile_words(list(lexicon.nobody_not_after), anchored="end"),
        descriptors=re.compile(rf"(?:\s*(?:{alternation(list(lexicon.descriptors))}))*\s*", re.IGNORECASE),
    )


@dataclass(frozen=True)
class _Patterns:
    topics: context._CueMatcher
    source: SuffixPattern  # words before a mention that make it a source
    nobody: re.Pattern[str]  # world words: a quantity of no owner
    nobody_not_after: SuffixPattern  # comparison words that make a world word no owner's
    descriptors: re.Pattern[str]  # words between a place and the company it describes


class AboutReader:
    """The subjects and topics of one text's quantities; mentions and cues are found once per
    text and looked up by bisection, so a text with many quantities stays linear."""

    def __init__(self, text: str, lexicon: Lexicon, around: context.TextContext, sentences: context.Sentences) -> None:
        self.text = text
        self.around = around
        self.sentences = sentences
        self.p = _patterns(lexicon)
        self.topic_matcher = self.p.topics
        self.topic_rank = {name: i for i, name in enumerate(lexicon.topics)}
        source = self.p.source
        self.mentions = [m for m in entity_finder().mentions(text)
                         if not source.search(text[max(0, m.start - 16) : m.start].rstrip())]
        self.mention_starts = [m.start for m in self.mentions]
        self._topic_cues: list[tuple[int, int, str]] | None = None
        self._topic_starts: list[int] = []
        # The topic of the first quantity of each sentence (by its start), as resolved: what a
        # following sentence that names no topic continues.
        self.topic_of_sentence: dict[int, Topic | None] = {}

    # -- windows -----------------------------------------------------------------------
    def earlier_windows(self, sentence: tuple[int, int], clause: tuple[int, int]) -> Iterator[tuple[int, int]]:
        """The earlier clauses of the sentence, nearest first, then the previous sentence of
        its paragraph (GUIDELINES: the sentence first, then the one before it)."""
        yield from self.around.clauses_before(sentence, clause[0])
        previous = self.previous_sentence(sentence)
        if previous is not None:
            yield previous

    def previous_sentence(self, sentence: tuple[int, int]) -> tuple[int, int] | None:
        starts, ends = self.sentences.starts, self.sentences.ends
        i = bisect.bisect_right(starts, sentence[0]) - 2
        if i < 0 or "\n" in self.text[starts[i] : sentence[0]]:
            return None  # no sentence before it in the paragraph
        return starts[i], ends[i]

    # -- subject -----------------------------------------------------------------------
    def subject(self, sentence: tuple[int, int], clause: tuple[int, int], start: int) -> Subject | None:
        """The owner of the quantity starting at ``start``: the first entity named before it
        in its clause, else in the nearest earlier clause that names one, else in the previous
        sentence of its paragraph. A window whose first words before any entity say "world"
        (全球, global) ends the search: a world total has no owner."""
        for lo, hi in ((clause[0], start), *self.earlier_windows(sentence, clause)):
            mentions = self.mentions_in(lo, hi)
            if mentions:
                return self.head_of(mentions)
            if self.names_the_world(lo, hi):
                return None
        return None

    def names_the_world(self, lo: int, hi: int) -> bool:
        """Whether text[lo:hi] holds a world word (全球, global) that is not a comparison's
        other side (与全球巨头的差距)."""
        for match in self.p.nobody.finditer(self.text, lo, hi):
            if not self.p.nobody_not_after.search(self.text[max(lo, match.start() - 8) : match.start()].rstrip()):
                return True
        return False

    def mentions_in(self, lo: int, hi: int) -> list[Mention]:
        i = bisect.bisect_left(self.mention_starts, lo)
        found = []
        while i < len(self.mentions) and self.mentions[i].start < hi:
            if self.mentions[i].end <= hi:
                found.append(self.mentions[i])
            i += 1
        return found

    def head_of(self, mentions: list[Mention]) -> Subject:
        """The first mention, unless it is a place that only descriptors separate from a
        company after it (荷兰光刻机巨头阿斯麦, US chipmaker Nvidia): then the company."""
        first = mentions[0]
        for after in mentions[1:2]:
            if first.entity.type in _PLACES and after.entity.type in _HEADS \
                    and self.p.descriptors.fullmatch(self.text, first.end, after.start):
                return Subject(after.entity.name, after.start, after.end, first.start)
        return Subject(first.entity.name, first.start, first.end, first.start)

    # -- topic -------------------------------------------------------------------------
    @property
    def topic_cues(self) -> list[tuple[int, int, str]]:
        """Every topic cue of the text, leaving out those inside an entity's name."""
        if self._topic_cues is None:
            cues = []
            for start, end, cue in self.topic_matcher.matches(self.text, 0, len(self.text)):
                inside = self.mentions_in(max(0, start - 40), end)
                if not any(m.start <= start and end <= m.end for m in inside):
                    cues.append((start, end, self.topic_matcher.metric_of[cue]))
            cues.sort()
            self._topic_cues, self._topic_starts = cues, [c[0] for c in cues]
        return self._topic_cues

    def topic(self, sentence: tuple[int, int], clause: tuple[int, int], span: tuple[int, int],
              subject: Subject | None) -> Topic | None:
        """The most specific topic named in the quantity's clause, else in the nearest earlier
        window that names one; cues describing the subject's phrase do not count."""
        cues = self.topic_cues
        starts = self._topic_starts
        skip = (subject.phrase_start, subject.start) if subject else (0, 0)
        for lo, hi in (clause, *self.earlier_windows(sentence, clause)):
            if lo in self.topic_of_sentence and lo < clause[0] and (lo, hi) == self.previous_sentence(sentence):
                # A sentence that names no topic goes on about the previous one's, as resolved there.
                return self.topic_of_sentence[lo]
            best = None
            i = bisect.bisect_left(starts, lo)
            while i < len(cues) and cues[i][0] < hi:
                start, end, name = cues[i]
                i += 1
                if end > hi or skip[0] <= start < skip[1]:
                    continue
                key = (self.topic_rank[name], min(abs(start - span[1]), abs(span[0] - end)))
                if best is None or key < best[0]:
                    best = (key, Topic(None if name == NO_TOPIC else name, start, end))
            if best is not None:
                return best[1]
        return None
