"""What a quantity is about: its subject (whose) and topic (of what) (GUIDELINES.md "What a
fact is about").

Belongs here: choosing, for a quantity the engine found, the entity mention that owns it
and the topic cue that says what it is about, from the words of its clause, the rest of its
sentence and the previous sentence of its paragraph. Not here: finding entity mentions
(``entities.py``), metrics and years (``context.py``). All words come from the lexicons
(``context.yaml`` "subject", ``topics.yaml``); offsets are in the text the engine scans.
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
_BODIES = frozenset({"organisation"})  # what may head a phrase an organisation opens
NO_TOPIC = "none"
# How far from a quantity its subject and topic are looked for, in characters: as far as a
# stored sentence reaches (engine.MAX_SENTENCE_CHARS), and what keeps a text of one endless
# sentence linear.
REACH = 400
MAX_CLAUSES = 8  # and as many clauses either side of its own
_LIST_COMMAS = "、，,"  # what may join the entities of a list
_MAX_INTRODUCING = 3  # sentences back through headings that end on a colon
_INTRODUCING = (":", "：")
_SALES_REACH = 8  # characters after a market place where its sales word stands (市场的销售收入)
# What may open a clause before its grammatical subject: spaces, brackets, a year (2025年,
# In 2025,), an article.
_OPENING = re.compile(r"[\s(（\[【「“\"'-]*(?:(?:[Ii]n\s+)?(?:19|20)\d{2}\s*(?:年|,)?\s*)?(?:the\s+|The\s+)?")
# A line that goes on with the paragraph above it: a list item.
_LIST_ITEM = re.compile(r"\s*\n\s*(?:[-*•·]|\d{1,2}[).、]|[(（]\d{1,2}[)）]|[①-⑳])")
# What may join the entities of a list (字节跳动、腾讯等; South Korea and Japan).
_LIST_JOINER = re.compile(r"[\s、，,/]*(?:和|与|及|以及|and|or)?[\s、，,]*(?:the\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Subject:
    name: str
    start: int  # the mention that named it
    end: int
    phrase_start: int  # where its phrase begins (a place and descriptors before a company)
    is_place: bool


@dataclass(frozen=True)
class Topic:
    name: str | None  # None: the sentence is about a sector the topic list does not hold
    start: int
    end: int


@dataclass(frozen=True)
class _Patterns:
    topics: context._CueMatcher
    source: SuffixPattern  # words before a mention that make it a source
    nobody: re.Pattern[str]  # world words: a quantity of no owner
    currency_after: re.Pattern[str]  # a currency's name after a place: US dollars
    descriptors: re.Pattern[str]  # words between a place and the company it describes
    example_before: SuffixPattern
    example_after: re.Pattern[str]
    market_after: re.Pattern[str]
    market_before: SuffixPattern
    subset_before: re.Pattern[str]
    respectively: re.Pattern[str]
    company_anaphora: re.Pattern[str]


@functools.cache
def _patterns(lexicon: Lexicon) -> _Patterns:
    return _Patterns(
        topics=context.build_cue_matcher(lexicon.topics),
        source=compile_words(list(lexicon.source_before), anchored="end"),
        nobody=compile_words(list(lexicon.nobody_before), anchored="start"),
        currency_after=re.compile(rf"\s?(?:{alternation(list(lexicon.place_currency_after))})(?![A-Za-z])", re.IGNORECASE),
        descriptors=re.compile(rf"(?:\s*(?:{alternation(list(lexicon.descriptors))}))*\s*", re.IGNORECASE),
        example_before=compile_words(list(lexicon.example_before), anchored="end"),
        example_after=compile_words(list(lexicon.example_after), anchored="start"),
        market_after=re.compile(rf"(?:\s|的|'s|’s)*(?:{alternation(list(lexicon.market_after))})(?![A-Za-z])",
                                re.IGNORECASE),
        market_before=compile_words(list(lexicon.market_before), anchored="end"),
        subset_before=re.compile(rf"\s*(?:{alternation(list(lexicon.subset_before))})", re.IGNORECASE),
        respectively=compile_words(list(lexicon.respectively), anchored="start"),
        company_anaphora=compile_words(list(lexicon.company_anaphora), anchored="start"),
    )


@functools.cache
def _topic_order(lexicon: Lexicon) -> tuple[dict[str, int], dict[str, int]]:
    """Each topic's rank (its place in topics.yaml) and level (specific 0, general 1, none 2)."""
    rank = {name: i for i, name in enumerate(lexicon.topics)}
    level = {name: (2 if name == NO_TOPIC else 1 if name in lexicon.general_topics else 0) for name in lexicon.topics}
    return rank, level


class AboutReader:
    """The subjects and topics of one text's quantities; mentions and cues are found once per
    text, in the sentences that hold a quantity and the few before each (all that a subject
    or topic is looked for in), and looked up by bisection, so a text with many quantities
    stays linear and one with few costs little."""

    def __init__(self, text: str, lexicon: Lexicon, around: context.TextContext, sentences: context.Sentences,
                 quantities: list[int]) -> None:
        self.text = text
        self.lexicon = lexicon
        self.around = around
        self.sentences = sentences
        self.p = _patterns(lexicon)
        self.topic_rank, self.topic_level = _topic_order(lexicon)
        self.ranges = self.read_ranges(quantities)
        finder = entity_finder()
        found = [m for lo, hi in self.ranges for m in finder.mentions(text, lo, hi)]
        named = [m for m in found if not self.p.source.search(self.before(m.start, 20))
                 and not self.p.currency_after.match(text, m.end)]
        self.mentions = self.with_anaphora(named)
        self.mention_starts = [m.start for m in self.mentions]
        self.examples = self.find_examples()
        self._topic_cues: list[tuple[int, int, str]] | None = None
        self._topic_starts: list[int] = []
        # The topic of the first quantity of each sentence (by its start), as resolved: what a
        # following sentence that names no topic goes on about.
        self.topic_of_sentence: dict[int, Topic | None] = {}
        self.subject_of_sentence: dict[int, Subject | None] = {}  # the same for subjects
        # Whether each sentence (by its span) says "respectively": looked up once per sentence,
        # not once per quantity (a sentence of N numbers would cost N times its length).
        self._says_respectively: dict[tuple[int, int], bool] = {}

    def read_ranges(self, quantities: list[int]) -> list[tuple[int, int]]:
        """Merged spans from a few sentences before each quantity's sentence to its end: the
        previous sentence (topic) and a chain of headings ending on colons (subject)."""
        starts, ends = self.sentences.starts, self.sentences.ends
        ranges: list[tuple[int, int]] = []
        for pos in sorted(quantities):
            i = max(bisect.bisect_right(starts, pos) - 1, 0)
            lo, hi = starts[max(i - _MAX_INTRODUCING, 0)], ends[i]
            if ranges and lo <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], max(hi, ranges[-1][1]))
            else:
                ranges.append((lo, hi))
        return ranges

    def with_anaphora(self, mentions: list[Mention]) -> list[Mention]:
        """``mentions`` and, for each "the company" (``company_anaphora``) in the ranges, a
        mention of the company named last before it in its sentence or the previous sentence
        of its paragraph, in text order."""
        companies = [m for m in mentions if m.entity.type == "company"]
        if not companies:
            return mentions
        starts = [m.start for m in companies]
        added = []
        for lo, hi in self.ranges:
            for match in self.p.company_anaphora.finditer(self.text, lo, hi):
                i = bisect.bisect_left(starts, match.start()) - 1
                if i < 0 or companies[i].end > match.start():
                    continue
                sentence = self.sentences.around(match.start())
                earliest = (self.previous_sentence(sentence) or sentence)[0]
                if companies[i].start >= earliest:
                    added.append(Mention(match.start(), match.end(), companies[i].entity))
        return sorted(mentions + added, key=lambda m: m.start) if added else mentions

    def before(self, pos: int, width: int) -> str:
        return self.text[max(0, pos - width) : pos].rstrip()

    def find_examples(self) -> set[int]:
        """Indexes of the mentions named as examples: after 如/such as, before 等, and the
        rest of a list whose first entity is one."""
        examples: set[int] = set()
        for i, m in enumerate(self.mentions):
            if self.p.example_before.search(self.before(m.start, 12)):
                examples.add(i)
            elif i - 1 in examples and _LIST_JOINER.fullmatch(self.text, self.mentions[i - 1].end, m.start):
                examples.add(i)
        for i in range(len(self.mentions) - 1, -1, -1):  # 字节跳动、腾讯等: back from the 等
            m = self.mentions[i]
            after = _LIST_JOINER.match(self.text, m.end).end()
            if self.p.example_after.match(self.text, after) or (
                    i + 1 in examples and i + 1 < len(self.mentions) and self.mentions[i + 1].start == after
                    and not self.p.example_before.search(self.before(self.mentions[i + 1].start, 12))):
                examples.add(i)
        return examples

    def is_market(self, m: Mention) -> bool:
        """A place named as where a company sells or where goods go or come from (中国区营收,
        中国市场, sales in China, imports from the Netherlands); 12 characters hold the longest
        word before it ("into the ")."""
        return m.entity.type in _PLACES and bool(
            self.p.market_after.match(self.text, m.end) or self.p.market_before.search(self.before(m.start, 12)))

    # -- windows -----------------------------------------------------------------------
    def earlier_clauses(self, sentence: tuple[int, int], clause: tuple[int, int]) -> Iterator[tuple[int, int]]:
        """The clauses of the sentence before ``clause``, nearest first, within REACH of it."""
        for n, (lo, hi) in enumerate(self.around.clauses_before(sentence, clause[0])):
            if hi < clause[0] - REACH or n >= MAX_CLAUSES:
                return
            yield lo, hi

    def previous_sentence(self, sentence: tuple[int, int]) -> tuple[int, int] | None:
        """The sentence before this one in its paragraph: a line break ends a paragraph, unless
        the new line is an item of a list (1)营收端…, - …, ① …) that goes on with it."""
        starts, ends = self.sentences.starts, self.sentences.ends
        i = bisect.bisect_right(starts, sentence[0]) - 2
        if i < 0:
            return None
        between = self.text[ends[i] : sentence[0]] + self.text[sentence[0] : sentence[0] + 8]
        if "\n" in self.text[starts[i] : sentence[0]] and not _LIST_ITEM.match(between) \
                and not self.introduces(starts[i], ends[i]):
            return None
        return starts[i], ends[i]

    def introduces(self, start: int, end: int) -> bool:
        """Whether the sentence ends on a colon: it introduces the lines after it (英伟达…发布
        财报：, then a list of its figures)."""
        return self.text[start:end].rstrip().endswith(_INTRODUCING)

    def earlier_sentences(self, sentence: tuple[int, int]) -> list[tuple[int, int]]:
        """The previous sentence of the paragraph and, while each ends on a colon and names
        no entity, the one before it: a heading over a heading over a list speaks for it."""
        found: list[tuple[int, int]] = []
        previous = self.previous_sentence(sentence)
        while previous is not None and len(found) < _MAX_INTRODUCING:
            found.append(previous)
            if not self.introduces(*previous) or previous[0] in self.subject_of_sentence \
                    or self.candidates(*previous, False):
                break
            previous = self.previous_sentence(previous)
        return found

    def later_clauses(self, sentence: tuple[int, int], clause: tuple[int, int]) -> Iterator[tuple[int, int]]:
        """The clauses of the sentence after ``clause``, in order, within REACH of it."""
        pos, n = clause[1] + 1, 0
        while pos < min(sentence[1], clause[1] + REACH) and n < MAX_CLAUSES:
            n += 1
            nxt = self.around.clause(sentence, pos, pos)
            if nxt[1] > pos:
                yield pos, nxt[1]
            pos = nxt[1] + 1

    # -- partner -----------------------------------------------------------------------
    def partnered(self, kind: str, metric: str, cue: tuple[int, int] | None, sentence: tuple[int, int],
                  clause: tuple[int, int], span: tuple[int, int]) -> str:
        """``metric``, unless only bare cues (``needs_partner``: "% of revenue") chose it and the
        part of the share is no place. The part stands before the clause's first word of the
        other metric: its first entity, or a place named as a market, else the same in the
        nearest earlier clause naming one. 中国区营收占20%, "China is its largest market,
        accounting for 26% of its sales": a dependence; 55亿美元费用占中国区营收的32%,
        H20（占中国营收85%）: a share."""
        rule = self.lexicon.metrics[kind]["needs_partner"].get(metric)
        if rule is None or cue is None or self.text[cue[0] : cue[1]].lower() not in rule[0]:
            return metric
        bare, otherwise = rule
        found = self.around.clause_cues(kind, clause, sentence)
        if any(c[3] == metric and self.text[c[0] : c[1]].lower() not in bare for c in found):
            return metric  # 30-40%的销售额依赖于中国: a cue that needs no partner
        part_end = min([span[0], *(c[0] for c in found if c[3] == otherwise and c[0] < span[0])])
        for lo, hi in ((clause[0], part_end), *self.earlier_clauses(sentence, clause)):
            mentions = self.candidates(lo, hi, False)
            if mentions:
                if mentions[0].entity.type in _PLACES or any(self.sells_in(m, bare) for m in mentions):
                    return metric  # ASML在中国市场的销售收入占比: the market is the partner
                break
        return otherwise  # a share of revenue: the sentence's market or output words name no other whole

    def sells_in(self, m: Mention, sales_words: frozenset[str]) -> bool:
        """A place named as a market whose sales follow it (中国市场的销售收入, 中国区营收),
        not one that describes a product (中国区主力产品)."""
        if not self.is_market(m):
            return False
        after = self.text[m.end : m.end + _SALES_REACH].lower()
        return any(word in after for word in sales_words)

    # -- subject -----------------------------------------------------------------------
    def subject(self, sentence: tuple[int, int], clause: tuple[int, int], span: tuple[int, int],
                metric: str) -> Subject | None:
        """The owner of the quantity at ``span``: the first entity named before it in its
        clause (a list of entities it opens with included), else in the nearest earlier
        clause that names one, else after it in its clause, in a later clause, in the previous
        sentence of its paragraph (through headings that end on a colon). Entities named as
        examples or as sources are no owners; "respectively" pairs a list with the numbers
        after it. A window whose words say "world" (全球, global) before any entity ends the
        search: a world total has no owner. For a company's metric (revenue, market share ...)
        a company in the clause, else anywhere in the sentence, owns it, and a place named as
        a market owns nothing; for other metrics but a market's own (``market_metrics``) such
        a place owns it only when nothing else is named, and never a trade flow's
        (``trade_metrics``: imports from the Netherlands, the other side of the trade)."""
        if not self.mentions:
            return None  # most short texts name no entity at all
        clause = self.without_list_breaks(sentence, clause)
        company_metric = metric in self.lexicon.company_metrics
        skip_markets = metric not in self.lexicon.market_metrics  # 中国区营收占32%: China is where, not whose
        if company_metric:
            heads = [m for m in self.candidates(max(clause[0], span[0] - REACH), min(clause[1], span[1] + REACH), False)
                     if m.entity.type in _HEADS]
            if metric in self.lexicon.recipient_metrics:
                heads = [m for m in heads if m.entity.type == "company"] or heads
            if heads:
                return self.head_of(heads)
        skipped: Mention | None = None
        windows = [(max(clause[0], span[0] - REACH), span[0]), *self.earlier_clauses(sentence, clause),
                   (span[1], min(clause[1], span[1] + REACH)), *self.later_clauses(sentence, clause)]
        own = len(windows)  # the windows of the quantity's own sentence
        earlier = self.earlier_sentences(sentence)
        windows += [(max(lo, hi - REACH), hi) for lo, hi in earlier]
        if company_metric:  # 台积电…，虽多数基地位于台湾，但已承诺投资1650亿美元: the company, anywhere in the sentence
            for lo, hi in windows[:own]:
                companies = [m for m in self.candidates(lo, hi, False) if m.entity.type == "company"]
                if companies:
                    return self.as_subject(companies[0], companies[0].start)
        for n, (lo, hi) in enumerate(windows):
            mentions = self.candidates(lo, hi, skip_markets)
            if skip_markets:
                markets = [m for m in self.candidates(lo, hi, False) if self.is_market(m)]
                skipped = skipped or (markets[0] if markets else None)
            if company_metric:
                heads = [m for m in mentions if m.entity.type in _HEADS]
                if heads:
                    return self.head_of(heads)
            if mentions:
                return self.respective(mentions, span, sentence) or self.head_of(mentions)
            if n == 0 and self.names_the_world(lo, hi):
                return None
            if n >= own and earlier[n - own][0] in self.subject_of_sentence:
                return self.subject_of_sentence[earlier[n - own][0]]  # goes on about the previous sentence's owner
        if skipped is None or company_metric or metric in self.lexicon.trade_metrics:
            return None
        return self.as_subject(skipped, skipped.start)

    def respective(self, mentions: list[Mention], span: tuple[int, int], sentence: tuple[int, int]) -> Subject | None:
        """In a sentence that says "respectively" (分别), the entity of the list opening with
        ``mentions[0]`` whose place in the list is the quantity's among the quantities after it
        (Japan and the US seeing a 26% and 10% growth, respectively: 10% is the US's)."""
        says = self._says_respectively.get(sentence)
        if says is None:
            says = self._says_respectively[sentence] = self.p.respectively.search(self.text, *sentence) is not None
        if not says:
            return None
        listed = [mentions[0]]
        i = self._index_of(mentions[0]) + 1
        while i < len(self.mentions) and _LIST_JOINER.fullmatch(self.text, listed[-1].end, self.mentions[i].start):
            listed.append(self.mentions[i])
            i += 1
        taken = self.around.taken
        first = bisect.bisect_left(taken, (listed[-1].end, listed[-1].end))
        k = bisect.bisect_left(taken, (span[1], 0), first) - first - 1  # its place among the quantities after the list
        if len(listed) < 2 or not 0 <= k < len(listed):
            return None
        return self.as_subject(listed[k], listed[k].start)

    def _index_of(self, mention: Mention) -> int:
        """The place of ``mention`` among the text's mentions, by bisection (``list.index`` reads
        the list from its start, once per quantity)."""
        i = bisect.bisect_left(self.mention_starts, mention.start)
        while self.mentions[i] is not mention:
            i += 1
        return i

    def without_list_breaks(self, sentence: tuple[int, int], clause: tuple[int, int]) -> tuple[int, int]:
        """The clause, reaching back over the commas of a list of entities it opens with
        (出口主要流向德国、日本、韩国 对美国出口份额降至2.9%: one clause, China's)."""
        lo = clause[0]
        while lo > sentence[0] and self.text[lo - 1] in _LIST_COMMAS:
            i = bisect.bisect_left(self.mention_starts, lo)
            opens = i < len(self.mentions) and self.mentions[i].start == _OPENING.match(self.text, lo).end()
            j = bisect.bisect_left(self.mention_starts, lo - 1) - 1
            closes = j >= 0 and self.mentions[j].end == lo - 1
            if not (opens and closes):
                break
            lo = self.around.clause(sentence, self.mentions[j].start, self.mentions[j].start)[0]
        return lo, clause[1]

    def candidates(self, lo: int, hi: int, skip_markets: bool) -> list[Mention]:
        i = bisect.bisect_left(self.mention_starts, lo)
        found = []
        while i < len(self.mentions) and self.mentions[i].start < hi:
            m = self.mentions[i]
            if m.end <= hi and i not in self.examples and not (skip_markets and self.is_market(m)):
                found.append(m)
            i += 1
        return found

    def names_the_world(self, lo: int, hi: int) -> bool:
        """Whether text[lo:hi] opens on a world word (全球, Global): its grammatical subject
        is the world (not 与全球巨头的差距, 占全球48.9%)."""
        start = _OPENING.match(self.text, lo, hi).end()
        return self.p.nobody.match(self.text, start, hi) is not None

    def head_of(self, mentions: list[Mention]) -> Subject:
        """The first mention, unless it is a place that only descriptors separate from a
        company after it (荷兰光刻机巨头阿斯麦, US chipmaker Nvidia), or an organisation
        right before one of its own bodies (美国商务部工业与安全局): then the latter. The
        subject's phrase starts at such a place or organisation (its words are no topic)."""
        first = mentions[0]
        for after in mentions[1:2]:
            if after.entity.type in self.heads_after(first) and self.p.descriptors.fullmatch(self.text, first.end, after.start):
                return self.as_subject(after, first.start)
        i = bisect.bisect_left(self.mention_starts, first.start)
        before = self.mentions[i - 1] if i > 0 else None
        if before is not None and first.entity.type in self.heads_after(before) \
                and self.p.descriptors.fullmatch(self.text, before.end, first.start):
            return self.as_subject(first, before.start)  # a company picked among mentions: its phrase still opens on the place
        return self.as_subject(first, first.start)

    @staticmethod
    def heads_after(m: Mention) -> frozenset[str]:
        """The types that may head a phrase opened by ``m``."""
        return _HEADS if m.entity.type in _PLACES else _BODIES if m.entity.type == "organisation" else frozenset()

    @staticmethod
    def as_subject(m: Mention, phrase_start: int) -> Subject:
        return Subject(m.entity.name, m.start, m.end, phrase_start, m.entity.type in _PLACES)

    # -- topic -------------------------------------------------------------------------
    @property
    def topic_cues(self) -> list[tuple[int, int, str]]:
        """Every topic cue of the text, leaving out those inside an entity's own name (a
        product's name still says what a quantity is about: H20)."""
        if self._topic_cues is None:
            cues = []
            for start, end, cue in (c for lo, hi in self.ranges for c in self.p.topics.matches(self.text, lo, hi)):
                i = bisect.bisect_right(self.mention_starts, start) - 1
                if i >= 0 and end <= self.mentions[i].end and not self.mentions[i].product:
                    continue
                cues.append((start, end, self.p.topics.metric_of[cue]))
            cues.sort()
            self._topic_cues, self._topic_starts = cues, [c[0] for c in cues]
        return self._topic_cues

    def topic(self, sentence: tuple[int, int], clause: tuple[int, int], span: tuple[int, int],
              subject: Subject | None) -> Topic | None:
        """The most specific topic its sentence names (in its own clause on a tie, then the
        one listed first in topics.yaml, then the nearest); a sentence that names none goes on about the previous one's, unless the
        quantity belongs to a company."""
        skip = (subject.phrase_start, subject.start) if subject else (0, 0)
        windows = [(max(clause[0], span[0] - REACH), min(clause[1], span[1] + REACH)),
                   *self.earlier_clauses(sentence, clause)]
        for later in self.later_clauses(sentence, clause):
            if self.p.subset_before.match(self.text, later[0]):
                break  # 其中半导体设备公司…: a part, not what the quantity is about
            windows.append(later)
        best = None
        for w, (lo, hi) in enumerate(windows):
            for start, end, name in self.cues_in(lo, hi):
                if skip[0] <= start < skip[1]:
                    continue
                key = (self.topic_level[name], w > 0, self.topic_rank[name],
                       min(abs(start - span[1]), abs(span[0] - end)))
                if best is None or key < best[0]:
                    best = (key, Topic(None if name == NO_TOPIC else name, start, end))
        if best is not None:
            return best[1]
        if subject is not None and not subject.is_place:
            return None  # a company's own figure, no goods named: about the company as a whole
        previous = self.previous_sentence(sentence)
        if previous is None:
            return None
        if previous[0] in self.topic_of_sentence:
            return self.topic_of_sentence[previous[0]]
        ranked = [(self.topic_level[name], -start, Topic(None if name == NO_TOPIC else name, start, end))
                  for start, end, name in self.cues_in(max(previous[0], previous[1] - REACH), previous[1])]
        return min(ranked, key=lambda r: r[:2])[2] if ranked else None

    def cues_in(self, lo: int, hi: int) -> Iterator[tuple[int, int, str]]:
        cues = self.topic_cues
        i = bisect.bisect_left(self._topic_starts, lo)
        while i < len(cues) and cues[i][0] < hi:
            if cues[i][1] <= hi:
                yield cues[i]
            i += 1
