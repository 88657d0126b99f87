"""Properties that hold for any text: no exception, exact spans, same output twice."""

from __future__ import annotations

import math
import re
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.extract.engine import _HAN_CHARS, MAX_SENTENCE_CHARS, extract_facts, layout_spaces

# Characters the engine reacts to, mixed with arbitrary text.
ALPHABET = st.sampled_from(list("0123456789.,-%~ 至到约近超过亿万千百十一二三四五六七八九两成倍元美韩人名个员工$¥€xkmbn")
                           + ["billion", " million", "percent", "US$", "人民币", "岗位", "between ", " and ",
                              "\u200b", "\u0301", "−", "分之", "fell ", " to ", "增长", "。"])
TEXT = st.one_of(st.text(max_size=200), st.lists(ALPHABET, max_size=40).map("".join))


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_spans_are_exact_and_output_deterministic(text):
    facts = extract_facts(text)
    for fact in facts:
        assert text[fact.start_char : fact.end_char] == fact.text
        assert fact.value_high >= fact.value
        assert math.isfinite(float(fact.value)) and math.isfinite(float(fact.value_high))
        assert len(fact.sentence) <= MAX_SENTENCE_CHARS and fact.sentence in text
        assert fact.text.strip() == fact.text and fact.text
    assert facts == extract_facts(text)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_facts_do_not_overlap(text):  # 0人民币0 once gave 0人民币 and 人民币0
    facts = extract_facts(text)
    for earlier, later in zip(facts, facts[1:], strict=False):
        assert earlier.end_char <= later.start_char


@pytest.mark.parametrize("text", ["1" * 5000 + "x", "一" * 5000 + "亿", "1," * 3000 + "5%", "百" * 3000 + "分之",
                                  "8 " * 3000 + "percent", "二十" * 2000 + "倍"])
def test_long_runs_finish(text):
    """No catastrophic backtracking: 30 digits once took minutes (nested repeats)."""
    done = threading.Event()
    worker = threading.Thread(target=lambda: (extract_facts(text), done.set()), daemon=True)
    worker.start()
    assert done.wait(timeout=60), "extraction did not finish: catastrophic regex backtracking?"


# What a layout space is, said with look-behinds: a whole run of spaces between two
# characters, one of them Chinese. The engine finds the same runs with a class-first pattern.
LAYOUT_SPACE = re.compile(f"(?<=[{_HAN_CHARS}])[ \t]+(?=[^ \t])|(?<=[^ \t])[ \t]+(?=[{_HAN_CHARS}])")


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([" ", "\t", "  ", "\n", "中", "。", "\u3000", "a", "1", "$"]), max_size=12).map("".join))
def test_layout_spaces_are_the_layout_space_pattern(text):
    assert layout_spaces(text) == [match.span() for match in LAYOUT_SPACE.finditer(text)]
