"""A file of dense figures near MAX_FILE_BYTES (19.5 MB, a number every few characters), through
`dagster asset materialize` as users run it: the run ends within a documented bound of memory
(README, "What is parsed": 1.5 GB), the document keeps the first MAX_FACTS_PER_DOCUMENT facts
and says where reading stopped, and its review page shows the start of it and says so."""

from __future__ import annotations

import resource
import subprocess

import duckdb
import pytest

from pipelines.hops import MAX_FACTS_PER_DOCUMENT
from tests.readme import readme_command, sandbox, user_env

pytestmark = pytest.mark.integration

MEMORY_BOUND_KB = 1_500_000  # peak resident memory of the run's process tree
UNIT = "2024年营收增长5%，利润12亿元，员工3000人；"


def test_a_dense_file_is_capped_and_bounded(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "dense.txt").write_text("稠密数字\n\n" + UNIT * (19_500_000 // len(UNIT.encode())), "utf-8")
    checkout = sandbox(tmp_path / "checkout")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = subprocess.run(["bash", "-c", readme_command("build-seeds")], cwd=checkout, capture_output=True, text=True,
                         timeout=900, env=user_env(SEEDS_DIR=str(seeds)))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert run.returncode == 0, run.stderr[-3000:]
    assert peak <= MEMORY_BOUND_KB or peak == before, f"peak {peak:,} KB"
    with duckdb.connect(str(checkout / "data" / "warehouse.duckdb"), read_only=True) as con:
        [(facts,)] = con.execute("SELECT count(*) FROM numeric_facts").fetchall()
        [(warnings,)] = con.execute("SELECT parse_warnings FROM documents").fetchall()
    assert facts == MAX_FACTS_PER_DOCUMENT
    assert f"facts: the first {MAX_FACTS_PER_DOCUMENT:,} kept (MAX_FACTS_PER_DOCUMENT)" in warnings
    [page] = (checkout / "data" / "warehouse.review" / "docs").glob("*.html")
    assert page.stat().st_size < 12_000_000
    assert "This page shows the first 300,000" in page.read_text("utf-8")
