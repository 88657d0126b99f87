"""The engine's regular expressions: checked when they are compiled, and written without the
constructs that some Python releases match wrongly."""

from __future__ import annotations

import platform
import re
import re._parser as sre_parse
import sys
import unicodedata

import pytest

from pipelines.extract import context, engine, numerals, patterns
from pipelines.extract.lexicon import SuffixPattern, load_lexicon


def test_the_self_test_passes_here():
    patterns.self_test(patterns.compiled_patterns(load_lexicon()))


def test_a_misreading_regex_engine_stops_the_engine_and_names_the_python():
    broken = patterns.Patterns(load_lexicon())
    broken.number = re.compile(r"\d")  # "12" read as "1", as Python 3.11.2's possessive repeats did
    with pytest.raises(RuntimeError, match=re.escape(f"Python {platform.python_version()}")):
        patterns.self_test(broken)


def test_compiling_the_patterns_runs_the_self_test(monkeypatch):
    monkeypatch.setattr(patterns, "SELF_TEST_NUMBERS", {"12": "1"})
    with pytest.raises(RuntimeError, match="reads '12' as '12', not '1'"):
        patterns.compiled_patterns.__wrapped__(load_lexicon())  # the uncached function


def _compiled(value) -> list[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        return [value]
    if isinstance(value, SuffixPattern):
        return [value.pattern]
    if isinstance(value, dict):
        return [p for v in value.values() for p in _compiled(v)]
    return []


def _constructs(parsed) -> set[str]:
    """The opcode names used anywhere in a parsed pattern."""
    names = set()
    for op, argument in parsed:
        names.add(str(op))
        stack = [argument]
        while stack:
            item = stack.pop()
            if isinstance(item, sre_parse.SubPattern):
                names |= _constructs(item)
            elif isinstance(item, (tuple, list)):
                stack.extend(item)
    return names


def _all_patterns() -> list[re.Pattern[str]]:
    found = [p for value in vars(patterns.compiled_patterns(load_lexicon())).values() for p in _compiled(value)]
    for module in (engine, context, numerals):
        found += [p for value in vars(module).values() for p in _compiled(value)]
    return found


def test_no_possessive_repeats_or_atomic_groups():
    """Python 3.11.2 matched them wrongly (found 1 of 19 seed facts); every repeat of the engine
    has one reading of a text instead, which keeps backtracking linear without them."""
    found = _all_patterns()
    assert len(found) > 40
    for pattern in found:
        used = _constructs(sre_parse.parse(pattern.pattern, pattern.flags))
        assert not used & {"POSSESSIVE_REPEAT", "ATOMIC_GROUP"}, pattern.pattern[:200]



def test_the_invisible_characters_are_unicodes_format_characters():
    """``engine._INVISIBLE`` lists category Cf of Unicode 14 by hand (no table built at import)."""
    listed = {chr(c) for c in range(sys.maxunicode + 1) if engine._INVISIBLE.fullmatch(chr(c))}
    format_characters = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert listed <= format_characters  # nothing visible is dropped
    if unicodedata.unidata_version == "14.0.0":  # Python 3.11
        assert listed == format_characters
    assert all(engine._UNUSUAL.match(ch) for ch in listed)  # the pre-check sees every one
