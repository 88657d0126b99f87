"""Conformance: sentences from Microsoft Recognizers-Text's own test specs
(tests/fixtures/conformance, MIT). Recall of every language x model must stay >= 0.93;
the peer itself reaches 0.90-1.00 on them. Precision is not scored here: the documents
hold unscored numbers on purpose (see the set's README).

Where this project's spec reads a sentence otherwise than the peer's spec, the row is scored
as ours reads it (``READ_OTHERWISE``): the gold file itself stays the peer's."""

from __future__ import annotations

import csv

import pytest

from tests.benchmarks.corpora import CONFORMANCE, score_corpus

RECALL_BAR = 0.93
GROUPS = ["en_currency", "en_percent", "zh_currency", "zh_percent", "zh_number"]
# (file, text) -> this project's unit. The peer's specs are case-folded and tokenised: C$ and
# HK$ appear as "c $" and "hk $", which currencies.yaml's prefix rule (Latin prefixes only as
# written; a one-letter dollar only glued to its "$") reads as a bare "$", a US dollar.
READ_OTHERWISE = {
    ("en_currency_0004.txt", "c $ 16.4 million"): "USD",
    ("en_currency_0031.txt", "hk $ 10.05 billion"): "USD",
    ("en_currency_0059.txt", "c $ 300 million"): "USD",
    ("en_currency_0060.txt", "c $ 1.34"): "USD",
    ("en_currency_0101.txt", "c $ 100 and fifty"): "USD",
}


@pytest.fixture(scope="module")
def gold_as_read_here(tmp_path_factory):
    """The conformance gold with the units of ``READ_OTHERWISE``; each of them must be there."""
    with (CONFORMANCE / "gold.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    replaced = set()
    for row in rows:
        unit = READ_OTHERWISE.get((row["file"], row["text"]))
        if unit is not None:
            row["unit"] = unit
            replaced.add((row["file"], row["text"]))
    assert replaced == set(READ_OTHERWISE), set(READ_OTHERWISE) - replaced
    path = tmp_path_factory.mktemp("conformance") / "gold.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def scores(gold_as_read_here):
    return score_corpus(CONFORMANCE / "docs", gold_as_read_here, frozenset({"money", "percent", "number"}))


@pytest.mark.parametrize("group", GROUPS)
def test_recall_per_language_and_model(scores, group):
    score = scores[group]
    assert score.tp + score.fn > 0
    assert score.recall >= RECALL_BAR, f"{group}: recall {score.recall:.3f}; missed:\n" + "\n".join(score.misses)


def test_every_group_is_scored(scores):
    assert sorted(scores) == sorted(GROUPS)
