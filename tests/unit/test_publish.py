"""Publishing to DuckDB: all or nothing, idempotent, first detection kept."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from pipelines.hops import extract_hop, parse_hop, raw_hop
from pipelines.schema.frames import frame_from_rows
from pipelines.schema.tables import Quarantine
from pipelines.warehouse.publish import PublishError, publish_warehouse
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def frames():
    documents, rejects = parse_hop(raw_hop(SEEDS))
    facts, _ = extract_hop(documents)
    return documents, facts, rejects


def _tables(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("documents", "numeric_facts", "quarantine")}


def test_publish_twice_gives_identical_tables(tmp_path, frames):
    path = tmp_path / "w.duckdb"
    report = publish_warehouse(path, *frames)
    assert report.row_counts["documents"] == 5 and report.row_counts["numeric_facts"] == frames[1].height
    first = _tables(path)
    publish_warehouse(path, *frames)
    assert _tables(path) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == [".w.duckdb.lock", "w.duckdb"]  # no building files left


def test_failed_check_publishes_nothing(tmp_path, frames):
    path = tmp_path / "w.duckdb"
    publish_warehouse(path, *frames)
    before = _tables(path)
    documents, facts, rejects = frames
    wrong = facts.with_columns(pl.col("start_char") + 1, pl.col("end_char") + 1)  # same length, wrong span
    with pytest.raises(PublishError) as info:
        publish_warehouse(path, documents, wrong, rejects)
    assert "fact_spans_match_body" in info.value.failed_checks
    assert _tables(path) == before


def test_orphan_fact_is_a_constraint_error(tmp_path, frames):
    documents, facts, rejects = frames
    with pytest.raises(PublishError, match="constraint"):
        publish_warehouse(tmp_path / "w.duckdb", documents.head(1), facts, rejects)
    assert not (tmp_path / "w.duckdb").exists()


def test_quarantine_keeps_first_detection(tmp_path, frames):
    documents, facts, _ = frames
    row = {"source_file": "bad.bin", "content_sha256": None, "stage": "read", "reason": "binary file",
           "pipeline_version": "test"}
    first = frame_from_rows(Quarantine, [{**row, "detected_at": dt.datetime(2025, 1, 1)}])
    later = frame_from_rows(Quarantine, [{**row, "detected_at": dt.datetime(2025, 6, 1)}])
    path = tmp_path / "w.duckdb"
    publish_warehouse(path, documents, facts, first)
    publish_warehouse(path, documents, facts, later)
    assert _tables(path)["quarantine"][0][4] == dt.datetime(2025, 1, 1)
