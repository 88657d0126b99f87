"""One warehouse, one truth: what a run relies on lives in the warehouse file it describes, so
no selection, second warehouse, wiped run history or client write mixes state or loses data."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_defs
from pipelines.resources import WarehouseFile
from pipelines.run_storage import not_in_run_message
from pipelines.warehouse import publish as publish_module
from pipelines.warehouse.publish import PublishedFileChanged
from tests.conftest import FIXTURES, SEEDS
from tests.integration.reingest_helpers import run_without_dagster, tables

pytestmark = pytest.mark.integration


def build(folder: Path, db: Path, instance: dg.DagsterInstance, selection: list[str] | None = None,
          **warehouse) -> dg.ExecuteInProcessResult:
    """A run as the CLI or the UI makes it: the code location's definitions, on ``instance``."""
    defs = build_defs(seeds_dir=str(folder), duckdb_path=str(db))
    resources = dict(defs.resources)
    if warehouse:
        resources["warehouse_file"] = WarehouseFile(path=str(db), **warehouse)
    # What the UI's "Materialize" on some assets runs: them and their step's other assets and checks.
    chosen = (dg.AssetSelection.assets(*selection).required_multi_asset_neighbors() if selection
              else dg.AssetSelection.all())
    job = dg.define_asset_job("chosen", selection=chosen)
    defs = dg.Definitions(assets=defs.assets, jobs=[job], resources=resources)
    return defs.resolve_job_def("chosen").execute_in_process(instance=instance, raise_on_error=False)


def home(folder: Path) -> dg.DagsterInstance:
    """An instance with its own DAGSTER_HOME, as ``$PWD/.dagster_home`` is for the CLI and the UI."""
    folder.mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.local_temp(str(folder))


def documents_metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "documents"]
    return {key: value.value for key, value in event.materialization.metadata.items()}


@pytest.fixture
def folders(tmp_path):
    seeds, other = tmp_path / "seeds", tmp_path / "other"
    shutil.copytree(SEEDS, seeds)
    shutil.copytree(FIXTURES / "new_files", other)
    return seeds, other


def test_materializing_a_table_alone_never_publishes_another_run_s_inputs(tmp_path, folders):
    seeds, other = folders
    instance = home(tmp_path / "home")
    assert build(seeds, tmp_path / "seeds.duckdb", instance).success
    assert build(other, tmp_path / "other.duckdb", instance).success  # the instance's last stored values
    before = (tmp_path / "seeds.duckdb").read_bytes()
    # The catalog's "Materialize" on documents (Dagster adds the other tables of its step), even
    # with the refusal's old advice followed: it must not publish the other folder's rows.
    result = build(seeds, tmp_path / "seeds.duckdb", instance, ["documents"], max_dropped_share=1.0)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert not_in_run_message("annual_fx_rates", "publish_tables") in message, message
    assert (tmp_path / "seeds.duckdb").read_bytes() == before
    assert build(seeds, tmp_path / "seeds.duckdb", instance).success  # the whole pipeline publishes the folder


def test_two_warehouses_on_one_instance_and_a_wiped_instance_keep_their_no_op(tmp_path, folders):
    seeds, other = folders
    instance = home(tmp_path / "home")
    first = build(seeds, tmp_path / "seeds.duckdb", instance)
    assert documents_metadata(first)["rebuilt"] is True
    assert build(other, tmp_path / "other.duckdb", instance).success
    again = build(seeds, tmp_path / "seeds.duckdb", instance)  # the other warehouse published last
    assert documents_metadata(again)["rebuilt"] is False
    assert documents_metadata(again)["dagster/row_count"] == 5
    assert documents_metadata(again)["published_from"] == str(seeds)
    wiped = home(tmp_path / "new_home")  # .dagster_home removed
    fresh = build(seeds, tmp_path / "seeds.duckdb", wiped)
    assert documents_metadata(fresh)["rebuilt"] is False


def test_two_warehouses_in_one_folder_have_a_site_each(tmp_path, folders):
    seeds, other = folders
    data = tmp_path / "data"
    instance = home(tmp_path / "home")
    assert build(seeds, data / "warehouse.duckdb", instance).success
    site = {p: p.read_bytes() for p in (data / "warehouse.review").rglob("*") if p.is_file()}
    assert build(other, data / "new_files.duckdb", instance).success
    assert {p: p.read_bytes() for p in (data / "warehouse.review").rglob("*") if p.is_file()} == site
    assert len(list((data / "new_files.review" / "docs").glob("*.html"))) == 4


def test_a_review_dir_holding_other_files_is_refused_and_left_alone(tmp_path, folders):
    seeds, _ = folders
    mine = tmp_path / "my_pages"
    mine.mkdir()
    (mine / "index.html").write_text("my own page")
    (mine / "review.css").write_text("body {}")
    instance = home(tmp_path / "home")
    result = build(seeds, tmp_path / "w.duckdb", instance, review_path=str(mine))
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert f"REVIEW_DIR {mine} holds files the review site did not write (index.html, review.css)" in (
        failure.step_failure_data.user_failure_data.description)
    assert (mine / "index.html").read_text() == "my own page" and (mine / "review.css").read_text() == "body {}"
    assert sorted(p.name for p in mine.iterdir()) == ["index.html", "review.css"]


def _client_writes(db: Path) -> None:
    with duckdb.connect(str(db)) as con:  # read-write, as a notebook or BI tool may open it
        con.execute("CREATE TABLE my_notes AS SELECT 'check 003' AS note")
        con.execute("CREATE VIEW my_view AS SELECT count(*) AS n FROM documents")


def test_a_client_writing_during_a_build_loses_nothing(tmp_path, folders, monkeypatch):
    seeds, _ = folders
    db = tmp_path / "w.duckdb"
    run_without_dagster(seeds, db)
    (seeds / "extra.md").write_text("# 稀土\n\n中國供應了全球70%的稀土。\n", "utf-8")
    claim_parts = publish_module.claim_parts

    def writes_meanwhile(con, only_groups=False):  # a client writes while the next warehouse is built
        _client_writes(db)
        yield from claim_parts(con, only_groups=only_groups)

    monkeypatch.setattr(publish_module, "claim_parts", writes_meanwhile)
    with pytest.raises(PublishedFileChanged, match="while this run built the next warehouse"):
        run_without_dagster(seeds, db)
    monkeypatch.setattr(publish_module, "claim_parts", claim_parts)
    with duckdb.connect(str(db), read_only=True) as con:  # the client's file stayed published
        assert con.execute("SELECT note FROM my_notes").fetchall() == [("check 003",)]
    run_without_dagster(seeds, db)  # the next run builds on it: the client's objects are kept
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT note FROM my_notes").fetchall() == [("check 003",)]
        assert con.execute("SELECT n FROM my_view").fetchall() == [(6,)]
        assert [row[0] for row in con.execute("SELECT how FROM publishes ORDER BY publish_number").fetchall()] == [
            "new_file", "new_file"]
    fresh = tmp_path / "fresh.duckdb"
    run_without_dagster(seeds, fresh)
    assert tables(db, detection_times=False) == tables(fresh, detection_times=False)


def test_a_client_writing_between_runs_keeps_its_objects_and_the_rows_are_made_anew(tmp_path, folders):
    seeds, _ = folders
    db = tmp_path / "w.duckdb"
    run_without_dagster(seeds, db)
    _client_writes(db)
    with duckdb.connect(str(db)) as con:  # and edits a fact: the pipeline's rows are made again
        con.execute("UPDATE numeric_facts SET value = value * 1000 WHERE quantity_kind = 'money'")
    raw = run_without_dagster(seeds, db)
    assert set(raw["change"]) == {"added"}  # nothing of the written file was reused
    fresh = tmp_path / "fresh.duckdb"
    run_without_dagster(seeds, fresh)
    assert tables(db, detection_times=False) == tables(fresh, detection_times=False)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT note FROM my_notes").fetchall() == [("check 003",)]
