"""Parsing and extraction over worker processes give exactly what one process gives."""

from __future__ import annotations

import polars as pl

from pipelines.hops import extract_hop, parse_hop, raw_hop
from pipelines.parallel import ordered_map
from tests.conftest import FIXTURES, SEEDS

VOLATILE = ["detected_at"]  # when a rejection was seen, not what was made


def test_ordered_map_keeps_the_input_order_in_workers():
    assert list(ordered_map(str.upper, list("abcdefgh"), workers=2, min_items=1)) == list("ABCDEFGH")
    assert list(ordered_map(str.upper, ["x"], workers=4)) == ["X"]  # too few: no pool


def test_two_workers_make_the_same_documents_facts_and_rejects_as_one():
    raw = pl.concat([raw_hop(SEEDS), raw_hop(FIXTURES / "articles"), raw_hop(FIXTURES / "bad_files")])
    one = parse_hop(raw)
    two = parse_hop(raw, workers=2, min_parallel=1)
    assert one[0].equals(two[0])
    assert one[1].drop(VOLATILE).equals(two[1].drop(VOLATILE)) and one[1].height > 0
    facts_one, facts_two = extract_hop(one[0]), extract_hop(one[0], workers=2, min_parallel=1)
    assert facts_one[0].equals(facts_two[0]) and facts_one[0].height > 100
    assert facts_one[1].drop(VOLATILE).equals(facts_two[1].drop(VOLATILE))
