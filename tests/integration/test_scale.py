"""Scale: a build over worker processes publishes the same warehouse as a build in one
process, and the scale benchmark runs the way the README says."""

from __future__ import annotations

import duckdb
import pytest

from tests.benchmarks.scale_benchmark import generate
from tests.readme import readme_command, run_in, sandbox

pytestmark = pytest.mark.integration

TABLES = {"documents": "doc_id", "numeric_facts": "fact_id", "claims": "claim_id",
          "claim_facts": "claim_id, fact_id", "quarantine": "source_file"}
VOLATILE = {"detected_at"}  # when a failure was first seen


def _tables(db) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        found = {}
        for table, order in TABLES.items():
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall() if c not in VOLATILE]
            found[table] = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()
    return found


def test_two_workers_publish_the_same_warehouse_as_one_process(tmp_path):
    corpus = tmp_path / "corpus"
    generate(corpus, 80)
    (corpus / "broken.md").write_bytes(b"\x00\x01\x02 not text")
    checkout = sandbox(tmp_path / "checkout")
    built = {}
    for workers in (1, 2):
        db = tmp_path / f"w{workers}" / "warehouse.duckdb"
        run = run_in(checkout, readme_command("build-seeds"), SEEDS_DIR=str(corpus), DUCKDB_PATH=str(db),
                     PIPELINE_WORKERS=str(workers), PIPELINE_MIN_PARALLEL="1")
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        built[workers] = _tables(db)
        review = sorted(p.relative_to(db.parent / "review").as_posix() for p in (db.parent / "review").rglob("*.html"))
        built[workers]["review pages"] = review
    assert len(built[1]["documents"]) == 80 and len(built[1]["numeric_facts"]) > 500
    assert [row[0] for row in built[1]["quarantine"]] == ["broken.md"]
    assert built[2] == built[1]


def test_scale_benchmark_prints_every_run(tmp_path):
    folder = sandbox(tmp_path / "checkout")
    run = run_in(folder, f"{readme_command('bench-scale')} --docs 30", timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = [line.split(" | ")[0].lstrip("| ") for line in run.stdout.splitlines() if line.startswith("| ")]
    assert rows == ["run", "full build", "nothing changed", "one file changed", "1 % changed", "one file deleted"]
    assert "engine alone" in run.stdout and "MB/s" in run.stdout
