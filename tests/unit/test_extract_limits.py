"""Numbers past what Decimal itself can hold: no exception, no fact, the caller's context kept."""

from __future__ import annotations

import decimal

from pipelines.extract.engine import extract_facts, find_numbers


def test_a_megabyte_of_digits_is_no_number_and_raises_nothing():
    text = "出口额为" + "9" * 1_000_001 + "亿美元，增长5%。"  # 10^1000009: past Decimal's exponent limit
    facts = extract_facts(text, "zh-Hans")
    assert [(f.quantity_kind, f.value) for f in facts] == [("percent", 5)]
    assert [n.text for n in find_numbers(text)] == ["5"]
    assert decimal.getcontext().traps[decimal.Overflow]  # the caller's context is untouched
