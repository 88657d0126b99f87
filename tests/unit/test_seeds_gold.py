"""The seeds against their gold file (GUIDELINES.md scoring), straight through parser and engine."""

from __future__ import annotations

from tests.benchmarks.corpora import SEEDS, SEEDS_GOLD, score_corpus, total


def test_seeds_meet_the_bars():
    score = total(score_corpus(SEEDS, SEEDS_GOLD, frozenset({"money", "percent", "people", "multiple"})))
    report = "\n".join(score.misses + score.false_positives)
    assert score.f1 >= 0.97, report
    assert score.category_accuracy >= 0.90
    assert score.qualifier_accuracy >= 0.90
