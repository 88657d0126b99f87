"""The claims rules (GUIDELINES.md "Claims") on hand-made facts: intervals by qualifier, the
claim key with aspect and year, statuses, repeats in one document."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.claims import FACT_COLUMNS, build_claims, with_intervals
from pipelines.schema.tables import ClaimFacts, Claims
from pipelines.schema.validate import validate_frame


def _facts(*rows: dict) -> pl.DataFrame:
    base = {"subject": "China", "metric": "supply_share", "topic": "rare_earths", "unit": "%", "year": None,
            "qualifier": "exact", "value_usd": None, "value_high_usd": None, "metric_cue": "production"}
    full = [{**base, "fact_id": f"{i:016x}", "value_high": row.get("value"), **row} for i, row in enumerate(rows)]
    schema = {c: pl.String for c in FACT_COLUMNS} | {"year": pl.Int32, "value": pl.Float64, "value_high": pl.Float64,
                                                     "value_usd": pl.Float64, "value_high_usd": pl.Float64}
    return pl.DataFrame([{c: r.get(c) for c in FACT_COLUMNS} for r in full], schema=schema)


def _documents(*doc_ids: str) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": list(doc_ids), "language": ["en" if i % 2 else "zh-Hans" for i in range(len(doc_ids))],
                         "published_at": [dt.datetime(2025, 1, 1 + i) for i in range(len(doc_ids))]})


def _status(*rows: dict) -> list[str]:
    facts = _facts(*rows)
    claims, claim_facts = build_claims(facts, _documents(*sorted(set(facts["doc_id"]))))
    assert validate_frame(Claims, claims).passed and validate_frame(ClaimFacts, claim_facts).passed
    return sorted(claims["status"])


@pytest.mark.parametrize(("qualifier", "low", "high"), [
    ("exact", 59.7, 60.3), ("approx", 54.0, 66.0), ("over", 60.0, None), ("under", None, 60.0), ("up_to", None, 60.0),
])
def test_a_value_reaches_as_far_as_its_qualifier_allows(qualifier, low, high):
    row = with_intervals(_facts({"doc_id": "a", "value": 60.0, "qualifier": qualifier})).row(0, named=True)
    assert row["interval_low"] == pytest.approx(low) if low is not None else row["interval_low"] is None
    assert row["interval_high"] == pytest.approx(high) if high is not None else row["interval_high"] is None


def test_a_range_spans_its_two_ends():
    row = with_intervals(_facts({"doc_id": "a", "value": 14.0, "value_high": 18.0})).row(0, named=True)
    assert (row["interval_low"], row["interval_high"]) == (pytest.approx(13.93), pytest.approx(18.09))


def test_statuses():
    assert _status({"doc_id": "a", "value": 60.0}) == ["single"]
    assert _status({"doc_id": "a", "value": 60.0}, {"doc_id": "b", "value": 60.2}) == ["corroborated"]
    assert _status({"doc_id": "a", "value": 60.0}, {"doc_id": "b", "value": 61.0}) == ["conflict"]
    assert _status({"doc_id": "a", "value": 85.0, "qualifier": "over"}, {"doc_id": "b", "value": 90.0}) == ["corroborated"]
    assert _status({"doc_id": "a", "value": 60.0, "qualifier": "approx"}, {"doc_id": "b", "value": 65.0}) == ["corroborated"]
    assert _status({"doc_id": "a", "value": 60.0, "qualifier": "up_to"}, {"doc_id": "b", "value": 70.0}) == ["conflict"]
    assert _status({"doc_id": "a", "value": 14.0, "value_high": 18.0}, {"doc_id": "b", "value": 15.0}) == ["corroborated"]


def test_a_document_that_restates_a_figure_counts_once():
    facts = _facts({"doc_id": "a", "value": 60.0}, {"doc_id": "a", "value": 60.0}, {"doc_id": "a", "value": 50.0})
    claims, _ = build_claims(facts, _documents("a"))
    assert claims.select("facts", "documents", "status").row(0) == (3, 1, "single")  # its own figures never conflict


def test_the_conflict_is_found_whichever_document_holds_both_extremes():
    # a holds the lowest top (50) and the highest bottom (90); only b's 91 against a's 50 conflicts
    assert _status({"doc_id": "a", "value": 50.0}, {"doc_id": "a", "value": 90.0},
                   {"doc_id": "b", "value": 49.0, "qualifier": "over"}) == ["corroborated"]
    assert _status({"doc_id": "a", "value": 50.0}, {"doc_id": "a", "value": 90.0},
                   {"doc_id": "b", "value": 91.0}) == ["conflict"]


def test_mining_and_processing_are_two_claims():
    assert _status({"doc_id": "a", "value": 60.0, "metric_cue": "production"},
                   {"doc_id": "b", "value": 90.0, "metric_cue": "refining"}) == ["single", "single"]


def test_an_undated_fact_agrees_only_with_an_undated_one():
    """GUIDELINES "Claims": an empty period agrees only with an empty one (both stated as the
    present); a dated fact meets only the facts of its own year."""
    facts = _facts({"doc_id": "a", "value": 60.0, "year": 2023}, {"doc_id": "b", "value": 70.0, "year": 2023},
                   {"doc_id": "c", "value": 60.0}, {"doc_id": "d", "value": 61.0}, {"doc_id": "e", "value": 90.0,
                                                                                   "year": 2024})
    claims, _ = build_claims(facts, _documents("a", "b", "c", "d", "e"))
    by_year = {r["year"]: (r["documents"], r["status"]) for r in claims.iter_rows(named=True)}
    assert by_year == {2023: (2, "conflict"), None: (2, "conflict"), 2024: (1, "single")}


def test_facts_that_say_too_little_stand_alone():
    """No subject, a catch-all metric, or a growth (what grew is not recorded): never a
    corroboration or a conflict with another document, however alike the numbers."""
    for alike in ({"subject": None}, {"metric": "share_other", "metric_cue": None},
                  {"metric": "growth", "metric_cue": None}, {"metric": "money_other", "unit": "USD"}):
        facts = _facts({"doc_id": "a", "value": 60.0, **alike}, {"doc_id": "b", "value": 90.0, **alike})
        claims, claim_facts = build_claims(facts, _documents("a", "b"))
        assert claims["status"].to_list() == ["single", "single"], alike
        assert claim_facts.height == 2


def test_claim_ids_are_stable():
    facts = _facts({"doc_id": "a", "value": 60.0}, {"doc_id": "b", "value": 60.0})
    first, _ = build_claims(facts, _documents("a", "b"))
    again, _ = build_claims(facts.reverse(), _documents("b", "a"))
    assert first["claim_id"].to_list() == again["claim_id"].to_list()
