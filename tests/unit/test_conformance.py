"""Conformance: sentences from Microsoft Recognizers-Text's own test specs
(tests/fixtures/conformance, MIT). Recall of every language x model must stay >= 0.93;
the peer itself reaches 0.90-1.00 on them. Precision is not scored here: the documents
hold unscored numbers on purpose (see the set's README)."""

from __future__ import annotations

import pytest

from tests.benchmarks.corpora import CONFORMANCE, score_corpus

RECALL_BAR = 0.93
GROUPS = ["en_currency", "en_percent", "zh_currency", "zh_percent", "zh_number"]


@pytest.fixture(scope="module")
def scores():
    return score_corpus(CONFORMANCE / "docs", CONFORMANCE / "gold.csv", frozenset({"money", "percent", "number"}))


@pytest.mark.parametrize("group", GROUPS)
def test_recall_per_language_and_model(scores, group):
    score = scores[group]
    assert score.tp + score.fn > 0
    assert score.recall >= RECALL_BAR, f"{group}: recall {score.recall:.3f}; missed:\n" + "\n".join(score.misses)


def test_every_group_is_scored(scores):
    assert sorted(scores) == sorted(GROUPS)
