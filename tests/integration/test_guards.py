"""Never publish a wrong warehouse silently: an emptied or missing seeds folder, a warehouse a
client holds open read-write, a failing SQL check. Each case is run the way users run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

import assets.warehouse
from pipelines.definitions import ALL_ASSETS
from pipelines.resources import Processing, SeedFolder, WarehouseFile
from tests.conftest import FIXTURES, REPO, SEEDS
from tests.integration.reingest_helpers import make_folder, tables

pytestmark = pytest.mark.integration

DAGSTER = Path(sys.executable).with_name("dagster")


def materialize(folder: Path, db: Path, **warehouse_settings) -> dg.ExecuteInProcessResult:
    resources = {"seed_folder": SeedFolder(path=str(folder)),
                 "warehouse_file": WarehouseFile(path=str(db), **warehouse_settings), "processing": Processing()}
    return dg.materialize(ALL_ASSETS, resources=resources, instance=dg.DagsterInstance.ephemeral(),
                          raise_on_error=False)


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    [failure] = [e for e in result.all_events if e.is_step_failure]
    return failure.step_failure_data.user_failure_data.description


def cli(cwd: Path, home: Path, **env: str) -> subprocess.CompletedProcess:
    """`dagster asset materialize` as the README runs it, from ``cwd``."""
    return subprocess.run([str(DAGSTER), "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"],
                          cwd=cwd, env={**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(REPO), **env},
                          capture_output=True, text=True, timeout=300)


def test_emptied_folder_keeps_the_published_warehouse(tmp_path):
    folder, db = tmp_path / "seeds", tmp_path / "w.duckdb"
    shutil.copytree(SEEDS, folder)
    assert materialize(folder, db).success
    before = tables(db)
    for path in folder.iterdir():
        path.unlink()
    result = materialize(folder, db)
    assert not result.success
    message = failure_message(result)
    assert "drop 5 of the 5 published documents" in message and str(folder) in message
    assert "MAX_DROPPED_SHARE" in message
    assert tables(db) == before
    assert materialize(folder, db, max_dropped_share=1.0).success  # the documented way to mean it
    assert tables(db)["documents"] == []


def test_dropping_more_than_half_fails_and_less_is_fine(tmp_path):
    folder, db = tmp_path / "seeds", tmp_path / "w.duckdb"
    files = make_folder(folder, 6)
    assert materialize(folder, db).success
    files[0].unlink()
    files[1].unlink()
    assert materialize(folder, db).success  # 2 of 6
    for path in files[2:5]:
        path.unlink()
    result = materialize(folder, db)  # 3 of the 4 left
    assert not result.success and "drop 3 of the 4 published documents" in failure_message(result)
    assert len(tables(db)["documents"]) == 4


@pytest.mark.parametrize("problem", ["missing", "file"])
def test_seeds_folder_problem_is_one_clear_line(tmp_path, problem):
    work = tmp_path / "elsewhere"
    work.mkdir()
    if problem == "file":
        (work / "articles").write_text("not a folder")
    run = cli(work, tmp_path, SEEDS_DIR="articles", DUCKDB_PATH=str(tmp_path / "w.duckdb"))
    assert run.returncode != 0
    output = run.stdout + run.stderr
    what = "which does not exist" if problem == "missing" else "which is a file, not a folder"
    expected = f"SEEDS_DIR='articles' resolves to {work / 'articles'}, {what} (working directory {work})"
    assert expected in output
    assert "FileNotFoundError" not in output and "NotADirectoryError" not in output
    assert not (tmp_path / "w.duckdb").exists()


def test_every_run_logs_its_folder_warehouse_and_file_count(tmp_path):
    run = cli(FIXTURES, tmp_path, SEEDS_DIR="seeds", DUCKDB_PATH=str(tmp_path / "w.duckdb"))
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"seeds folder {SEEDS} (5 files), warehouse {tmp_path / 'w.duckdb'}" in run.stdout + run.stderr


HOLD_READ_WRITE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: DuckDB's default, as a careless client opens it
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold_read_write(db: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_READ_WRITE, str(db), str(seconds)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "holding"
    return holder


def raw_changes(result: dg.ExecuteInProcessResult) -> dict[str, int]:
    return dict(result.output_for_node("raw_seed_files").group_by("change").len().iter_rows())


def test_a_client_holding_the_warehouse_read_write_fails_the_run_not_rebuilds_it(tmp_path):
    folder, db = tmp_path / "seeds", tmp_path / "w.duckdb"
    files = make_folder(folder, 8)
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", "utf-8")
    assert materialize(folder, db).success
    before = tables(db)
    files[0].write_text(files[0].read_text("utf-8") + "\n营收增长12%。\n", "utf-8")
    holder = hold_read_write(db, 60)
    try:
        started = time.monotonic()
        result = materialize(folder, db, lock_wait_seconds=2)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert not result.success and waited < 30
    message = failure_message(result)
    assert f"(PID {holder.pid})" in message and "read-only" in message
    assert tables(db) == before  # quarantine's first detection kept too
    again = materialize(folder, db)  # the client is gone: an incremental run, not a rebuild
    assert again.success and raw_changes(again) == {"changed": 1, "unchanged": 8}
    assert tables(db)["quarantine"] == before["quarantine"]


def test_a_lock_released_while_waiting_lets_the_run_go_on(tmp_path):
    folder, db = tmp_path / "seeds", tmp_path / "w.duckdb"
    make_folder(folder, 4)
    assert materialize(folder, db).success
    make_folder(folder, 1, start=4)
    holder = hold_read_write(db, 2)
    result = materialize(folder, db, lock_wait_seconds=60)
    holder.wait()
    assert result.success and raw_changes(result) == {"added": 1, "unchanged": 4}


def test_a_failing_sql_check_shows_as_failed_with_its_rows(tmp_path, monkeypatch):
    real = assets.warehouse.publishable

    def one_file_twice(*frames):  # a document that is also quarantined: only the SQL check sees it
        documents, facts, quarantine = real(*frames)
        twin = quarantine.head(1).with_columns(pl.lit(documents.read()["source_file"][0]).alias("source_file"))
        return documents, facts, pl.concat([quarantine.slice(1), twin])

    monkeypatch.setattr(assets.warehouse, "publishable", one_file_twice)
    folder, db = tmp_path / "seeds", tmp_path / "w.duckdb"
    shutil.copytree(SEEDS, folder)
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", "utf-8")
    result = materialize(folder, db)
    assert not result.success and not db.exists()
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    failed = checks["files_land_once"]
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.metadata["offending_rows"].value == 1
    assert failed.metadata["rows"].value.records[0].data["source_file"] == "000_2be661a636c00b06.txt"
    assert checks["facts_have_documents"].passed
    spec = next(s for s in assets.warehouse.publish_tables.check_specs if s.name == "files_land_once")
    assert spec.blocking
    assert "files_land_once (1 rows)" in failure_message(result)


def test_a_misspelt_setting_is_named_and_every_setting_logged(tmp_path):
    """SEED_DIR and DUCKDB_PAHT are not settings: the run says so and what it builds instead."""
    run = cli(FIXTURES, tmp_path, SEED_DIR=str(FIXTURES / "new_files"), DUCKDB_PAHT=str(tmp_path / "typo.duckdb"),
              DUCKDB_PATH=str(tmp_path / "w.duckdb"))
    assert run.returncode == 0, run.stderr[-2000:]
    output = run.stdout + run.stderr
    assert ("environment variables that look like a misspelt setting are ignored: DUCKDB_PAHT (did you mean "
            "DUCKDB_PATH?); SEED_DIR (did you mean SEEDS_DIR?)") in output
    assert "settings: SEEDS_DIR=seeds (default), MAX_FILE_BYTES=20000000 (default)" in output
    assert f"DUCKDB_PATH={tmp_path / 'w.duckdb'}," in output
    assert not (tmp_path / "typo.duckdb").exists()
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        raw = instance.get_latest_materialization_event(dg.AssetKey("raw_seed_files")).asset_materialization
    assert raw.metadata["misspelt_settings"].value.startswith("environment variables that look like a misspelt")
    assert "| SEEDS_DIR | `seeds (default)` |" in raw.metadata["settings"].value


def test_settings_that_are_not_allowed_stop_the_run_with_one_line_each(tmp_path):
    run = cli(FIXTURES, tmp_path, DUCKDB_PATH=str(tmp_path / "w.duckdb"), MAX_DROPPED_SHARE="nan",
              REINGEST_TIMEZONE="Mars/Olympus", DUCKDB_MEMORY_LIMIT="lots", SEEDS_ALLOW_OUTSIDE_LINKS="sure",
              WAREHOUSE_LOCK_WAIT_SECONDS="-5", PIPELINE_WORKERS="1000x")
    assert run.returncode != 0
    output = run.stdout + run.stderr
    assert ("settings not allowed, nothing was run: SEEDS_ALLOW_OUTSIDE_LINKS='sure' is not allowed: one of 0, 1, "
            "true, false, yes, no; MAX_DROPPED_SHARE='nan' is not allowed: a finite number; PIPELINE_WORKERS='1000x' "
            "is not allowed: a whole number; DUCKDB_MEMORY_LIMIT='lots' is not allowed: a size such as 1GB, 512MB or "
            "2GiB; WAREHOUSE_LOCK_WAIT_SECONDS='-5' is not allowed: at least 0; REINGEST_TIMEZONE='Mars/Olympus' is "
            "not allowed: an IANA time zone such as UTC or Asia/Taipei") in output
    assert "ZoneInfoNotFoundError" not in output and "could not convert" not in output
    assert not (tmp_path / "w.duckdb").exists()


def test_more_workers_than_cores_are_capped(tmp_path):
    run = cli(FIXTURES, tmp_path, DUCKDB_PATH=str(tmp_path / "w.duckdb"), PIPELINE_WORKERS="1000")
    assert run.returncode == 0, run.stderr[-2000:]
    cores = len(os.sched_getaffinity(0))
    assert f"PIPELINE_WORKERS=1000 is more than the {cores} cores this process may use" in run.stdout + run.stderr
