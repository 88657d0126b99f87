"""Scale: a partitioned build whose shard steps run under Dagster's multiprocess executor
publishes the same warehouse as a build in one process; the scale benchmark runs the way the
README says."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.benchmarks.scale_benchmark import generate
from tests.readme import readme_command, run_in, sandbox

pytestmark = pytest.mark.integration

TABLES = {"documents": "doc_id", "numeric_facts": "fact_id", "claims": "claim_id",
          "claim_facts": "claim_id, fact_id", "quarantine": "source_file"}
# When a failure was first seen; a file's time, recorded only if it changed long enough before the read.
VOLATILE = {"detected_at", "file_modified_at"}


def _tables(db) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        found = {}
        for table, order in TABLES.items():
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall() if c not in VOLATILE]
            found[table] = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()
    return found


SHARD_STEP = re.compile(r" - (\d+) - process_documents\.process_document_shard\[(shard_\d+)\] - STEP_START")
BUILDS = {  # name -> settings: one process; shard steps under the multiprocess executor (worker pools: test_parallel)
    "one process": {"PIPELINE_WORKERS": "1", "PIPELINE_SHARDS": "1"},
    "multiprocess shards": {"RUN_EXECUTOR": "multiprocess", "PIPELINE_SHARDS": "2", "PIPELINE_WORKERS": "1",
                            "PIPELINE_MIN_PARALLEL": "1"},
}


def test_every_way_of_sharing_out_the_work_publishes_the_same_warehouse(tmp_path):
    corpus = tmp_path / "corpus"
    generate(corpus, 80)
    (corpus / "broken.md").write_bytes(b"\x00\x01\x02 not text")
    checkout = sandbox(tmp_path / "checkout")
    built, shard_steps = {}, {}
    for name, settings in BUILDS.items():
        db = tmp_path / name.replace(" ", "_") / "warehouse.duckdb"
        run = run_in(checkout, readme_command("build-seeds"), SEEDS_DIR=str(corpus), DUCKDB_PATH=str(db), **settings)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        built[name] = _tables(db)
        site = db.with_name(db.stem + ".review")
        review = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
        built[name]["review pages"] = review
        shard_steps[name] = dict((shard, pid) for pid, shard in SHARD_STEP.findall(run.stdout + run.stderr))
    assert len(built["one process"]["documents"]) == 80 and len(built["one process"]["numeric_facts"]) > 500
    assert [row[0] for row in built["one process"]["quarantine"]] == ["broken.md"]
    assert built["multiprocess shards"] == built["one process"]
    # The partitioned run: one step per shard, each in a process of its own.
    assert sorted(shard_steps["multiprocess shards"]) == ["shard_0", "shard_1"]
    assert len(set(shard_steps["multiprocess shards"].values())) == 2
    assert list(shard_steps["one process"]) == ["shard_0"]


def test_scale_benchmark_prints_every_run(tmp_path):
    folder = sandbox(tmp_path / "checkout")
    run = run_in(folder, f"{readme_command('bench-scale')} --docs 30", timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = [line.split(" | ")[0].lstrip("| ") for line in run.stdout.splitlines() if line.startswith("| ")]
    assert rows == ["run", "full build", "nothing changed", "one file changed", "1 % changed", "one file deleted"]
    assert "engine alone" in run.stdout and "MB/s" in run.stdout
