"""Parsing and extraction over worker processes give exactly what one process gives."""

from __future__ import annotations

import multiprocessing.forkserver
import os
import platform

import polars as pl

from pipelines.hops import extract_hop, parse_hop, raw_hop
from pipelines.memory import return_free_heap
from pipelines.parallel import ordered_map, stop_fork_server
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


def _fork_server_pid() -> int | None:
    return multiprocessing.forkserver._forkserver._forkserver_pid


def test_stopping_the_fork_server_ends_its_process_and_the_next_pool_starts_another():
    assert list(ordered_map(str.upper, list("ab"), workers=2, min_items=1)) == ["A", "B"]
    pid = _fork_server_pid()
    assert pid is not None
    stop_fork_server()
    assert _fork_server_pid() is None
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    stop_fork_server()  # nothing running: nothing to do
    assert list(ordered_map(str.lower, list("CD"), workers=2, min_items=1)) == ["c", "d"]
    assert _fork_server_pid() not in (None, pid)


def test_free_heap_goes_back_to_the_system_on_glibc():
    garbage = [bytes(1000) for _ in range(100_000)]  # 100 MB in small blocks, then freed
    del garbage
    assert return_free_heap() is (platform.libc_ver()[0] == "glibc")
