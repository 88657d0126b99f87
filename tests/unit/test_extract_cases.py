"""Golden extraction cases from tests/fixtures/extraction/*.yaml (data, not code).

A case names its text (and optionally ``language`` and ``reference_year``, the document's
publication year) and the facts expected, each with the fields it checks: kind, value, unit
always; text, category, qualifier, year, metric, subject, topic and the evidence
(``metric_cue``, ``subject_text``, the words of the text that decided them) where given, so
that adding an entity, an alias or a cue is one lexicon edit plus one case here. A subject or
topic written as ``null`` must be empty."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from pipelines.extract.engine import extract_facts
from tests.conftest import FIXTURES

CASE_FILES = sorted((FIXTURES / "extraction").glob("*.yaml"))


def _cases():
    for path in CASE_FILES:
        for case in yaml.safe_load(path.read_text("utf-8")):
            marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
            yield pytest.param(case, id=f"{path.stem}:{case['id']}", marks=marks)


def _close(a: Decimal, b: float) -> bool:
    return abs(float(a) - float(b)) <= 1e-9 + 1e-9 * abs(float(b))


@pytest.mark.parametrize("case", list(_cases()))
def test_extraction_case(case):
    facts = extract_facts(case["text"], case.get("language"), reference_year=case.get("reference_year"))
    expected = case["facts"]
    got = [f"{f.quantity_kind} {f.value}-{f.value_high} {f.unit} «{f.text}»" for f in facts]
    assert len(facts) == len(expected), f"expected {len(expected)} facts, got {got}"
    for fact, want in zip(facts, expected, strict=True):
        assert fact.quantity_kind == want["kind"], got
        assert _close(fact.value, want["value"]), got
        assert _close(fact.value_high, want.get("value_high", want["value"])), got
        assert fact.unit == str(want["unit"]), got
        for key in ("text", "category", "qualifier", "year", "metric", "subject", "topic", "metric_cue", "subject_text"):
            if key in want:
                assert getattr(fact, key) == want[key], f"{key}: {getattr(fact, key)!r} != {want[key]!r} in {got}"
        assert case["text"][fact.start_char : fact.end_char] == fact.text


def test_case_ids_are_unique():
    ids = [c.values[0]["id"] for c in _cases()]
    assert len(ids) == len(set(ids))
