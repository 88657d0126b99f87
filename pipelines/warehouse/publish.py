"""Publish validated frames to the DuckDB warehouse file, all or nothing.

Belongs here: creating the tables from ``sql/ddl``, the views from ``sql/views``,
loading the frames in one transaction, running the SQL data checks in ``sql/checks``
(each returns offending rows; none = pass), and swapping the finished file into place.

Why a new file and a rename: DuckDB lets one process write a file, and a reader holding
it open blocks the writer. The warehouse is built beside the published file and moved
over it with ``os.replace`` (atomic on one file system), so a reader sees the old
warehouse or the new one, never a half-loaded state, and never blocks the build.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.schema.ddl import SQL_DIR, ddl_files

CHECKS_DIR = SQL_DIR / "checks"
VIEWS_DIR = SQL_DIR / "views"


class PublishError(RuntimeError):
    """The warehouse was not published; the previous one is untouched."""

    def __init__(self, message: str, failed_checks: dict[str, pl.DataFrame] | None = None) -> None:
        super().__init__(message)
        self.failed_checks = failed_checks or {}


@dataclass(frozen=True)
class PublishReport:
    path: Path
    row_counts: dict[str, int]
    check_results: dict[str, pl.DataFrame] = field(default_factory=dict)  # check name -> offending rows


def sql_checks() -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted(CHECKS_DIR.glob("*.sql"))}


def previous_detections(path: Path) -> pl.DataFrame | None:
    """The published quarantine, so that a failure seen before keeps its first detected_at."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.sql("SELECT source_file, content_sha256, stage, reason, detected_at FROM quarantine").pl()
    except duckdb.Error:
        return None  # an older or damaged file: detections start afresh


def keep_first_detection(quarantine: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    if previous is None or previous.is_empty() or quarantine.is_empty():
        return quarantine
    keys = ["source_file", "content_sha256", "stage", "reason"]
    earlier = previous.select(*keys, pl.col("detected_at").alias("_earlier"))
    joined = quarantine.join(earlier, on=keys, how="left", nulls_equal=True)
    return joined.with_columns(pl.coalesce("_earlier", "detected_at").alias("detected_at")).drop("_earlier")


def _load(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    view = f"_incoming_{table}"  # table names come from the models, never from input
    con.register(view, frame.to_arrow())
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")


def publish_warehouse(
    path: Path, documents: pl.DataFrame, facts: pl.DataFrame, quarantine: pl.DataFrame
) -> PublishReport:
    """Build the warehouse in a new file and swap it in; raise ``PublishError`` on any failed check."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    quarantine = keep_first_detection(quarantine, previous_detections(path))
    frames = {
        "documents": documents.sort("source_file"),
        "numeric_facts": facts.sort("doc_id", "start_char", "end_char", "fact_id"),
        "quarantine": quarantine.sort("source_file"),
    }
    building = path.with_name(f".{path.name}.{uuid.uuid4().hex}.building")
    try:
        with duckdb.connect(str(building)) as con:
            con.execute("BEGIN TRANSACTION")
            for ddl in ddl_files().values():
                con.execute(ddl)
            for view in sorted(VIEWS_DIR.glob("*.sql")):
                con.execute(view.read_text("utf-8"))
            try:
                for table, frame in frames.items():
                    _load(con, table, frame)
            except duckdb.ConstraintException as exc:  # a key or foreign-key violation
                con.execute("ROLLBACK")
                raise PublishError(f"warehouse constraint violated, nothing published: {exc}") from exc
            results = {name: con.sql(sql).pl() for name, sql in sql_checks().items()}
            failed = {name: rows for name, rows in results.items() if rows.height}
            if failed:
                con.execute("ROLLBACK")
                summary = ", ".join(f"{name} ({rows.height} rows)" for name, rows in failed.items())
                raise PublishError(f"warehouse checks failed, nothing published: {summary}", failed)
            con.execute("COMMIT")
            counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in frames}
            con.execute("CHECKPOINT")
        os.replace(building, path)
    finally:
        for leftover in (building, building.with_name(building.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return PublishReport(path, counts, results)
