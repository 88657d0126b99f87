"""The README's remaining commands, run as written in a sandbox checkout: another folder into
another warehouse, the seeds' score, and the run-cost benchmark (on a small folder)."""

from __future__ import annotations

import duckdb
import pytest

from tests.readme import readme_command, readme_sql, run_in, sandbox

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
    assert "about accuracy  subject 1.000  metric 1.000  topic 1.000" in score.stdout


def test_run_cost_benchmark_prints_every_way_users_run(tmp_path):
    folder = sandbox(tmp_path / "checkout")
    run = run_in(folder, f"{readme_command('bench-run-cost')} --files 4 --repeat 1", timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and " s |" in line]
    assert [row.split(" | ")[0] for row in rows] == ["| CLI `dagster asset materialize`, wall clock",
                                                     '| UI "Materialize all", launch to SUCCESS',
                                                     "| UI run duration (start to end)",
                                                     "| in-process `execute_in_process` (second figure)"]


def test_project_warehouse_answers_the_analyst_questions(tmp_path):
    """The seeds plus every annotated article, built and scored as the README says; then the
    four questions' queries, each answering what it asks."""
    folder = sandbox(tmp_path / "checkout")
    built = run_in(folder, readme_command("project-warehouse"), timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    lines = built.stdout.splitlines()
    assert lines[-1].startswith("F1 ") and float(lines[-1].split()[1]) >= 0.95, built.stdout[-2000:]
    words = next(line for line in lines if line.startswith("about accuracy")).split()[2:]  # subject 0.852 metric ...
    about = {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}
    assert about["subject"] >= 0.85 and about["metric"] >= 0.85 and about["topic"] >= 0.80, about
    with duckdb.connect(str(folder / "data" / "project.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (48,)
        market = con.execute(readme_sql("q1-china-market-size")).fetchall()
        assert market and all(row[6] in ("CNY", "USD") for row in market)
        losses = con.execute(readme_sql("q2-largest-losses")).fetchall()
        assert [row[1] for row in losses] == sorted((row[1] for row in losses), reverse=True)
        assert losses[0][0] == "sales_loss" and losses[0][1] == 83.0  # the seeds' 830億美元
        ranked = con.execute(readme_sql("q2-across-currencies")).fetchall()
        assert len({row[3] for row in ranked}) >= 2  # US and Hong Kong dollars in one ranking
        assert [row[1] for row in ranked] == sorted((row[1] for row in ranked), reverse=True)
        shares = con.execute(readme_sql("q3-rare-earth-shares")).fetchall()
        cues = {row[0] for row in shares}
        assert {"加工", "refining"} <= cues and cues & {"開採", "production", "生产"}
        per_year = con.execute(readme_sql("q4-facts-over-time")).fetchall()
        assert sum(row[1] for row in per_year) == 48
