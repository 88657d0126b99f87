"""Real published articles (tests/fixtures/articles: zh-Hans, zh-Hant, en), annotated by
GUIDELINES.md, through the pipeline's parser and the engine."""

from __future__ import annotations

import pytest

from tests.benchmarks.corpora import ARTICLES, HELDOUT, score_corpus, total

SCORED = frozenset({"money", "percent", "people", "multiple"})


@pytest.mark.parametrize("folder", [ARTICLES, HELDOUT], ids=["articles", "held-out"])
def test_articles_meet_the_bar(folder):
    scores = score_corpus(folder / "docs", folder / "gold.csv", SCORED)
    score = total(scores)
    report = "\n".join(score.misses + score.false_positives)
    assert score.f1 >= 0.90, report


def test_articles_cover_three_scripts_and_ten_documents():
    docs = sorted(p.name for folder in (ARTICLES, HELDOUT) for p in (folder / "docs").iterdir())
    assert len(docs) >= 10
    assert {name.split("_")[0] + "_" + name.split("_")[1] for name in docs} >= {"zh_hans", "zh_hant"}
    assert any(name.startswith("en_") for name in docs)
