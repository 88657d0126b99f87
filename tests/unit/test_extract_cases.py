"""Golden extraction cases from tests/fixtures/extraction/*.yaml (data, not code)."""

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
    facts = extract_facts(case["text"], case.get("language"))
    expected = case["facts"]
    got = [f"{f.quantity_kind} {f.value}-{f.value_high} {f.unit} «{f.text}»" for f in facts]
    assert len(facts) == len(expected), f"expected {len(expected)} facts, got {got}"
    for fact, want in zip(facts, expected, strict=True):
        assert fact.quantity_kind == want["kind"], got
        assert _close(fact.value, want["value"]), got
        assert _close(fact.value_high, want.get("value_high", want["value"])), got
        assert fact.unit == str(want["unit"]), got
        for key in ("text", "category", "qualifier", "year"):
            if key in want:
                assert getattr(fact, key) == want[key], f"{key}: {getattr(fact, key)!r} != {want[key]!r} in {got}"
        assert case["text"][fact.start_char : fact.end_char] == fact.text


def test_case_ids_are_unique():
    ids = [c.values[0]["id"] for c in _cases()]
    assert len(ids) == len(set(ids))
