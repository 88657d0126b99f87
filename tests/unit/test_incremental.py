"""Incremental re-ingest in the pure core: unchanged files are hashed, not parsed, and the
warehouse built from a change equals a full rebuild of the same folder."""

from __future__ import annotations

import shutil

import duckdb
import polars as pl
import pytest

from pipelines import hops
from pipelines.hops import process_files, raw_hop
from pipelines.version import pipeline_version
from pipelines.warehouse.publish import publish_warehouse
from pipelines.warehouse.published import read_published
from tests.conftest import FIXTURES, SEEDS
from tests.integration.reingest_helpers import run_without_dagster, tables


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    shutil.copy(FIXTURES / "bad_files" / "chart.png", target / "chart.png")
    return target


def test_second_run_parses_nothing(folder, tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    first = run_without_dagster(folder, db)
    assert set(first["change"]) == {"added"}
    before = tables(db)
    parsed = []
    real = hops.parse_document
    monkeypatch.setattr(hops, "parse_document", lambda *a: parsed.append(a[0]) or real(*a))
    second = run_without_dagster(folder, db)
    assert set(second["change"]) == {"unchanged"}  # the binary file too: its rejection is kept
    assert second["content"].null_count() == 6
    assert parsed == []
    assert tables(db) == before


def test_change_add_delete_equal_a_full_rebuild(folder, tmp_path):
    db = tmp_path / "w.duckdb"
    run_without_dagster(folder, db)
    (folder / "003_f582c57dff3ceabf.txt").write_text(
        (folder / "003_f582c57dff3ceabf.txt").read_text("utf-8") + "\n另有報道稱，營收增長了12%。\n", "utf-8")
    shutil.copy(FIXTURES / "new_files" / "summary_en.txt", folder / "new.txt")
    (folder / "000_2be661a636c00b06.txt").unlink()
    raw = run_without_dagster(folder, db)
    assert dict(raw.group_by("change").len().iter_rows()) == {"changed": 1, "added": 1, "unchanged": 4}
    rebuilt = tmp_path / "full.duckdb"
    run_without_dagster(folder, rebuilt)
    assert tables(db, detection_times=False) == tables(rebuilt, detection_times=False)
    assert "000_2be661a636c00b06.txt" not in str(tables(db)["documents"])


def test_rows_the_warehouse_lost_are_made_again(folder, tmp_path):
    db = tmp_path / "w.duckdb"
    run_without_dagster(folder, db)
    before = tables(db)
    hashes = read_published(db, pipeline_version()).hashes
    raw = raw_hop(folder, hashes)  # decided before the loss: every file unchanged
    lost = "003_f582c57dff3ceabf.txt"
    (folder / lost).rename(tmp_path / lost)  # another run publishes the folder without it meanwhile
    run_without_dagster(folder, db)
    (tmp_path / lost).rename(folder / lost)
    carry = raw.select("source_file", "content_sha256", pl.lit(pipeline_version()).alias("pipeline_version"))
    made: list[str] = []
    publish_warehouse(db, *process_files(folder, []), carry=carry,
                      recompute=lambda files: made.extend(files) or process_files(folder, files))
    assert made == [lost]
    assert tables(db) == before
