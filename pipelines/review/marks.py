"""Facts and the words that chose their subject and metric, laid over a document's body.

A page shows the body as text with marks in it; a fact's mark must hold exactly the fact's
``text`` (``body[start_char:end_char]``), so facts are never split or nested. Evidence (a
subject's name, a metric's cue) is marked only where it does not cut into a fact or into
other evidence; one span that is the evidence of several facts is one mark naming them all.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


class Mark(NamedTuple):  # named tuples: a page makes hundreds, a frozen dataclass costs 5x more to make
    start: int
    end: int
    role: str  # "fact", or the evidence roles joined: "subject", "metric", "subject metric"
    fact_ids: tuple[str, ...]
    fact: Mapping[str, object] | None = None  # the fact's row, for a fact mark


class Segment(NamedTuple):
    text: str
    mark: Mark | None = None


@dataclass
class Layout:
    segments: list[Segment]
    unplaced: list[Mapping[str, object]] = field(default_factory=list)  # facts whose span overlaps another's


def _evidence(facts: Iterable[Mapping[str, object]]) -> dict[tuple[int, int], dict[str, list[str]]]:
    spans: dict[tuple[int, int], dict[str, list[str]]] = {}
    for fact in facts:
        for role, start, end in (("subject", fact.get("subject_start"), fact.get("subject_end")),
                                 ("metric", fact.get("metric_cue_start"), fact.get("metric_cue_end"))):
            if start is None or end is None or end <= start:
                continue
            roles = spans.setdefault((int(start), int(end)), {})
            roles.setdefault(role, []).append(str(fact["fact_id"]))
    return spans


class _Taken:
    """Disjoint spans, sorted by start: whether a new span overlaps one of them is one bisect
    (the only candidate is the last span starting before the new one ends), not a scan."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self.starts, end)
        return before > 0 and self.ends[before - 1] > start

    def add(self, start: int, end: int) -> None:
        at = bisect.bisect_left(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)


def _fact_order(fact: Mapping[str, object]) -> tuple[int, int]:
    return int(fact["start_char"]), -int(fact["end_char"])


_mark_start = operator.itemgetter(0)


def lay_out(body: str, facts: list[Mapping[str, object]]) -> Layout:
    """The body cut into plain and marked segments, in order; their texts join to ``body``."""
    marks: list[Mark] = []
    taken = _Taken()
    unplaced: list[Mapping[str, object]] = []
    size, placed_end = len(body), 0
    for fact in sorted(facts, key=_fact_order):
        start, end = int(fact["start_char"]), int(fact["end_char"])
        # by start, so a fact overlaps a placed one only if it starts before the last one ends
        if not 0 <= start < end <= size or start < placed_end:
            unplaced.append(fact)
            continue
        marks.append(Mark(start, end, "fact", (str(fact["fact_id"]),), fact))
        taken.add(start, end)
        placed_end = end
    for (start, end), roles in sorted(_evidence(facts).items()):
        if end > len(body) or taken.overlaps(start, end):
            continue
        ids = tuple(dict.fromkeys(i for role in sorted(roles) for i in roles[role]))
        marks.append(Mark(start, end, " ".join(sorted(roles)), ids))
        taken.add(start, end)
    segments: list[Segment] = []
    at = 0
    for mark in sorted(marks, key=_mark_start):
        if mark.start > at:
            segments.append(Segment(body[at:mark.start]))
        segments.append(Segment(body[mark.start:mark.end], mark))
        at = mark.end
    if at < len(body):
        segments.append(Segment(body[at:]))
    return Layout(segments, unplaced)
