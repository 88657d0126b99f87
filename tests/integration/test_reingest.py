"""Re-ingest as users run it: the sensor notices a change in a folder of 200 files, starts a
run, and the run processes just that change; the tables equal a full rebuild."""

from __future__ import annotations

import os
import shutil

import dagster as dg
import duckdb
import pytest

from pipelines.resources import SeedFolder
from tests.conftest import FIXTURES
from tests.integration.reingest_helpers import Pipeline, make_folder, tables

pytestmark = pytest.mark.integration


def parsed(result) -> int:
    return result.output_for_node("process_documents", "parsed_documents").height


def changes(result) -> dict[str, int]:
    raw = result.output_for_node("raw_seed_files")
    return dict(raw.group_by("change").len().iter_rows())


def test_sensor_runs_for_each_change_and_matches_a_full_rebuild(tmp_path):
    folder = tmp_path / "seeds"
    files = make_folder(folder, 200)
    pipeline = Pipeline(folder, tmp_path / "warehouse.duckdb")
    [first] = pipeline.tick_and_run()
    assert parsed(first) == 200
    assert pipeline.tick() == []  # nothing changed: no run

    make_folder(folder, 1, start=200)  # add
    [added] = pipeline.tick_and_run()
    assert changes(added) == {"added": 1, "unchanged": 200} and parsed(added) == 1

    files[7].write_text(files[7].read_text("utf-8") + "\n營收年增36.8%。\n", "utf-8")  # change
    [changed] = pipeline.tick_and_run()
    assert changes(changed) == {"changed": 1, "unchanged": 200} and parsed(changed) == 1

    files[3].unlink()  # delete
    [deleted] = pipeline.tick_and_run()
    assert changes(deleted) == {"unchanged": 200} and parsed(deleted) == 0

    rebuild = Pipeline(folder, tmp_path / "rebuild.duckdb")
    rebuild.run()
    assert tables(pipeline.db) == tables(rebuild.db)
    assert files[3].name not in {row[1] for row in tables(pipeline.db)["documents"]}


def test_a_folder_state_seen_before_is_published_again(tmp_path):
    """A file moved out and back (``mv`` keeps its time) returns the folder to a state the sensor
    has seen: that is still a change since the last publish, and it leads to a run."""
    folder, away = tmp_path / "seeds", tmp_path / "away"
    files = make_folder(folder, 3)
    away.mkdir()
    pipeline = Pipeline(folder, tmp_path / "warehouse.duckdb")
    pipeline.tick_and_run()
    files[1].rename(away / files[1].name)
    [moved_out] = pipeline.tick_and_run()
    assert documents(pipeline.db) == 2
    (away / files[1].name).rename(files[1])
    [moved_back] = pipeline.tick_and_run()
    assert changes(moved_back) == {"added": 1, "unchanged": 2}
    assert documents(pipeline.db) == 3
    assert pipeline.tick() == []


def documents(db) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM documents").fetchone()[0]


def test_a_burst_of_files_is_one_run(tmp_path):
    folder = tmp_path / "seeds"
    make_folder(folder, 5)
    pipeline = Pipeline(folder, tmp_path / "warehouse.duckdb")
    pipeline.tick_and_run()
    make_folder(folder, 1000, start=5)
    requests = pipeline.tick()
    assert len(requests) == 1
    [run] = [pipeline.run(request) for request in requests]
    assert changes(run) == {"added": 1000, "unchanged": 5}
    assert pipeline.tick() == []


def test_arrival_order_does_not_matter(tmp_path):
    """The same files, arriving in two different orders over several runs, give the same tables."""
    pool = tmp_path / "pool"
    make_folder(pool, 30)
    shutil.copy(FIXTURES / "bad_files" / "broken_front_matter.md", pool / "broken_front_matter.md")
    names = sorted(p.name for p in pool.iterdir())
    results = []
    for order in (names, list(reversed(names))):
        folder = tmp_path / f"seeds_{len(results)}"
        folder.mkdir()
        pipeline = Pipeline(folder, tmp_path / f"w{len(results)}.duckdb")
        for batch in (order[:10], order[10:25], order[25:]):
            for name in batch:
                shutil.copy(pool / name, folder / name)
            pipeline.tick_and_run()
        results.append(tables(pipeline.db, detection_times=False))
    assert results[0] == results[1]


def test_sensor_waits_for_a_running_reingest(tmp_path):
    folder = tmp_path / "seeds"
    make_folder(folder, 3)
    pipeline = Pipeline(folder, tmp_path / "warehouse.duckdb")
    job = pipeline.defs.resolve_job_def("build_warehouse")
    run = pipeline.instance.create_run_for_job(job, run_config={})  # created, not finished
    assert run.status == dg.DagsterRunStatus.NOT_STARTED
    assert pipeline.tick() == []  # the change waits for that run
    pipeline.instance.report_run_failed(run)
    assert len(pipeline.tick()) == 1


def test_sensor_waits_for_a_ui_run_that_publishes(tmp_path):
    """"Materialize all" runs the implicit asset job, not build_warehouse: it counts too."""
    folder = tmp_path / "seeds"
    make_folder(folder, 3)
    pipeline = Pipeline(folder, tmp_path / "warehouse.duckdb")
    job = pipeline.defs.resolve_implicit_global_asset_job_def()
    keys = pipeline.defs.resolve_asset_graph().get_all_asset_keys()
    run = pipeline.instance.create_run_for_job(job, run_config={}, asset_selection=frozenset(keys))
    assert pipeline.tick() == []
    pipeline.instance.report_run_failed(run)
    assert len(pipeline.tick()) == 1


def test_sensor_skips_a_missing_folder_with_the_reason(tmp_path):
    pipeline = Pipeline(tmp_path / "nowhere", tmp_path / "warehouse.duckdb")
    sensor = pipeline.defs.resolve_sensor_def("seed_folder_sensor")
    context = dg.build_sensor_context(instance=pipeline.instance,
                                      resources={"seed_folder": SeedFolder(path=str(tmp_path / "nowhere"))})
    result = sensor.evaluate_tick(context)
    assert not result.run_requests
    assert f"resolves to {tmp_path / 'nowhere'}, which does not exist" in result.skip_message


def _materialized(result, asset: str) -> dict[str, object]:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset]
    return {key: value.value for key, value in event.materialization.metadata.items()}


def test_a_run_that_changed_nothing_keeps_the_published_file(tmp_path):
    folder = tmp_path / "seeds"
    make_folder(folder, 20)
    old = 1_600_000_000_000_000_000  # files changed long before the run: their times are recorded
    for path in folder.iterdir():
        os.utime(path, ns=(old, old))
    pipeline = Pipeline(folder, tmp_path / "warehouse.duckdb")
    first = pipeline.run()
    assert _materialized(first, "documents")["rebuilt"] is True
    published = pipeline.db.stat()
    again = pipeline.run()
    assert changes(again) == {"unchanged": 20}
    documents, site = _materialized(again, "documents"), _materialized(again, "review_site")
    assert documents["rebuilt"] is False and documents["dagster/row_count"] == 20
    assert site["document_pages_rendered"] == 0 and site["documents"] == 20
    assert pipeline.db.stat().st_mtime_ns == published.st_mtime_ns  # the same file, not a copy
    checks = again.get_asset_check_evaluations()
    assert len(checks) > 10 and all(c.passed for c in checks)

    with duckdb.connect(str(pipeline.db)) as con:  # another writer: the file is not what was recorded
        con.execute("DELETE FROM claim_facts WHERE false")
        con.execute("CHECKPOINT")
    os.utime(pipeline.db)
    third = pipeline.run()
    assert _materialized(third, "documents")["rebuilt"] is True
