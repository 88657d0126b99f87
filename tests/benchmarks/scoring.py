"""Score extracted facts against a gold CSV, by the rules of GUIDELINES.md
("How a system is scored"): same kind and unit, value and value_high within 0.5 %;
each gold fact matches at most one extracted fact; optional gold facts are neutral. What a
matched fact is about (subject, metric, topic) is scored where the gold file has those columns,
as ``score_facts.py`` does: compared case-folded, an empty value meaning none.

Shared by the conformance test and the benchmark script, so both count the same way.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SCORED_KINDS = frozenset({"money", "percent", "people", "multiple"})
ABOUT = ("subject", "metric", "topic")


@dataclass
class GoldFact:
    file: str
    quantity_kind: str
    value: float
    value_high: float
    unit: str
    category: str
    qualifier: str
    text: str
    scored: bool
    about: dict[str, str] = field(default_factory=dict)  # the ABOUT columns the gold file has
    matched: bool = False


@dataclass(frozen=True)
class Found:
    quantity_kind: str
    value: float
    value_high: float
    unit: str
    category: str | None = None
    qualifier: str | None = None
    text: str = ""
    subject: str | None = None
    metric: str | None = None
    topic: str | None = None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    category_ok: int = 0
    qualifier_ok: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    wrong_labels: list[str] = field(default_factory=list)
    about_ok: dict[str, int] = field(default_factory=dict)
    about_n: dict[str, int] = field(default_factory=dict)
    wrong_about: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def category_accuracy(self) -> float:
        return self.category_ok / self.tp if self.tp else 0.0

    @property
    def qualifier_accuracy(self) -> float:
        return self.qualifier_ok / self.tp if self.tp else 0.0

    def about_accuracy(self) -> dict[str, float]:
        """Share of matched facts whose subject, metric and topic agree with the gold (where scored)."""
        return {f: self.about_ok.get(f, 0) / self.about_n[f] for f in ABOUT if self.about_n.get(f)}


def load_gold(path: Path) -> dict[str, list[GoldFact]]:
    gold: dict[str, list[GoldFact]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            value = float(row["value"])
            gold[row["file"]].append(GoldFact(
                file=row["file"], quantity_kind=row["quantity_kind"], value=value,
                value_high=float(row["value_high"]) if row["value_high"] else value, unit=row["unit"],
                category=row["category"], qualifier=row["qualifier"], text=row["text"], scored=row["scored"] == "yes",
                about={f: row[f] for f in ABOUT if f in row},
            ))
    return gold


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0.005, abs_tol=1e-9)


def _fits(found: Found, gold: GoldFact) -> bool:
    return (found.quantity_kind == gold.quantity_kind and found.unit == gold.unit
            and _close(found.value, gold.value) and _close(found.value_high, gold.value_high))


def score_file(found: list[Found], gold: list[GoldFact], kinds: frozenset[str] = SCORED_KINDS,
               score: Score | None = None) -> Score:
    """Add one document's figures to ``score`` (a new one if not given)."""
    score = score or Score()
    gold = [g for g in gold if g.quantity_kind in kinds]
    for g in gold:
        g.matched = False
    for f in found:
        if f.quantity_kind not in kinds:
            continue
        hit = next((g for g in gold if not g.matched and g.scored and _fits(f, g)), None)
        if hit is None:
            optional = next((g for g in gold if not g.matched and not g.scored and _fits(f, g)), None)
            if optional is not None:
                optional.matched = True
            else:
                score.fp += 1
                score.false_positives.append(f"{f.quantity_kind} {f.value:g} {f.unit} «{f.text}»")
            continue
        hit.matched = True
        score.tp += 1
        score.category_ok += f.category == hit.category
        score.qualifier_ok += f.qualifier == hit.qualifier
        if (f.category, f.qualifier) != (hit.category, hit.qualifier):
            score.wrong_labels.append(f"{hit.file}: «{hit.text}» is {hit.category}/{hit.qualifier}, "
                                      f"got {f.category}/{f.qualifier}")
        _score_about(f, hit, score)
    for g in gold:
        if g.scored and not g.matched:
            score.fn += 1
            score.misses.append(f"{g.file}: {g.quantity_kind} {g.value:g} {g.unit} «{g.text}»")
    return score


def _score_about(found: Found, gold: GoldFact, score: Score) -> None:
    for name, want in gold.about.items():
        have = getattr(found, name) or ""
        score.about_n[name] = score.about_n.get(name, 0) + 1
        if have.strip().casefold() == want.strip().casefold():
            score.about_ok[name] = score.about_ok.get(name, 0) + 1
        else:
            score.wrong_about.append(f"{gold.file}: «{gold.text}» {name} is {want or '(none)'}, got {have or '(none)'}")
