"""The README's remaining commands, run as written in a sandbox checkout: another folder into
another warehouse, the seeds' score, and the run-cost benchmark (on a small folder)."""

from __future__ import annotations

import duckdb
import pytest

from tests.readme import readme_command, run_in, sandbox

pytestmark = pytest.mark.integration


def test_build_another_folder_then_score_the_seeds(tmp_path):
    folder = sandbox(tmp_path / "checkout")
    other = run_in(folder, readme_command("build-other-folder"))
    assert other.returncode == 0, other.stderr[-3000:]
    with duckdb.connect(str(folder / "data" / "new_files.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchall() == [(4,)]  # its four articles
    built = run_in(folder, readme_command("build-seeds"))
    assert built.returncode == 0, built.stderr[-3000:]
    score = run_in(folder, readme_command("score-seeds"))
    assert score.returncode == 0, score.stderr[-3000:]
    assert score.stdout.splitlines()[-1] == "F1 1.000"
    assert "precision 1.000  recall 1.000  (tp 19, fp 0, fn 0)" in score.stdout


def test_run_cost_benchmark_prints_every_way_users_run(tmp_path):
    folder = sandbox(tmp_path / "checkout")
    run = run_in(folder, f"{readme_command('bench-run-cost')} --files 4 --repeat 1", timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and " s |" in line]
    assert [row.split(" | ")[0] for row in rows] == ["| CLI `dagster asset materialize`, wall clock",
                                                     '| UI "Materialize all", launch to SUCCESS',
                                                     "| UI run duration (start to end)",
                                                     "| in-process `execute_in_process` (second figure)"]
