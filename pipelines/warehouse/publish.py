"""Publish validated frames to the DuckDB warehouse file, all or nothing.

Belongs here: creating the tables from ``sql/ddl``, the views from ``sql/views``,
loading the frames in one transaction, running the SQL data checks in ``sql/checks``
(each returns offending rows; none = pass), and swapping the finished file into place.

Incremental: rows of files that did not change (same bytes, same pipeline version) are
copied from the published warehouse instead of being made again, so a run costs a hash per
unchanged file. One publisher at a time holds a lock file beside the warehouse.

Why a new file and a rename: DuckDB lets one process write a file, and a reader holding
it open blocks the writer. The warehouse is built beside the published file and moved
over it with ``os.replace`` (atomic on one file system), so a reader sees the old
warehouse or the new one, never a half-loaded state, and never blocks the build.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import uuid
from collections.abc import Callable, Iterator
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
    carried: int = 0  # unchanged files whose rows were copied, not made again


_CHECK_TABLE = re.compile(r"^-- table: (\w+)$", re.MULTILINE)


def sql_checks() -> dict[str, str]:
    """name -> query of every data check in sql/checks (a query returns offending rows)."""
    return {p.stem: p.read_text("utf-8") for p in sorted(CHECKS_DIR.glob("*.sql"))}


def checked_table(sql: str) -> str:
    """The table a check is about, from its ``-- table: name`` header line."""
    match = _CHECK_TABLE.search(sql)
    if match is None:
        raise ValueError("a check in sql/checks lacks its '-- table: <name>' line")
    return match.group(1)


def _read_published(path: Path, sql: str, params: list[object] | None = None) -> pl.DataFrame | None:
    """A query on the published warehouse, read-only; None if there is none yet or it cannot
    answer (an older schema or a damaged file: then what it held is made afresh)."""
    if not Path(path).exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return _query_frame(con, sql, params)
    except duckdb.Error:
        return None


def previous_detections(path: Path) -> pl.DataFrame | None:
    """The published quarantine, so that a failure seen before keeps its first detected_at."""
    return _read_published(path, "SELECT source_file, content_sha256, stage, reason, detected_at FROM quarantine")


def keep_first_detection(quarantine: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    if previous is None or previous.is_empty() or quarantine.is_empty():
        return quarantine
    keys = ["source_file", "content_sha256", "stage", "reason"]
    earlier = previous.select(*keys, pl.col("detected_at").alias("_earlier"))
    joined = quarantine.join(earlier, on=keys, how="left", nulls_equal=True)
    return joined.with_columns(pl.coalesce("_earlier", "detected_at").alias("detected_at")).drop("_earlier")


def _query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> pl.DataFrame:
    """A query's rows as a frame, column types kept (through Arrow)."""
    return pl.from_arrow(con.sql(sql, params=params).to_arrow_table())


def _load(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    view = f"_incoming_{table}"  # table names come from the models, never from input
    con.register(view, frame.to_arrow())
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")


def published_hashes(path: Path, version: str) -> dict[str, str]:
    """source_file -> content_sha256 of every file the published warehouse holds, as made by
    pipeline ``version`` (as a document or in quarantine); empty if there is none yet."""
    rows = _read_published(
        path,
        "SELECT source_file, content_sha256 FROM documents WHERE pipeline_version = ? "
        "UNION ALL SELECT source_file, content_sha256 FROM quarantine "
        "WHERE pipeline_version = ? AND content_sha256 IS NOT NULL",
        [version, version],
    )
    return {} if rows is None else dict(rows.iter_rows())


Recompute = Callable[[list[str]], tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]]


@contextlib.contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """One publisher at a time per warehouse file (runs may overlap; readers never wait)."""
    lock_path = path.with_name(f".{path.name}.lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _carry_over(con: duckdb.DuckDBPyConnection, published: Path, carry: pl.DataFrame) -> set[str]:
    """Copy the rows of unchanged files from the published warehouse; the files found."""
    if carry.is_empty() or not published.exists():
        return set()
    con.execute(f"ATTACH {_sql_path(published)} AS published (READ_ONLY)")
    con.register("_carry", carry.to_arrow())
    try:
        key = "USING (source_file, content_sha256, pipeline_version)"
        con.execute(f"INSERT INTO documents BY NAME SELECT d.* FROM published.documents d JOIN _carry {key}")
        con.execute("INSERT INTO numeric_facts BY NAME SELECT f.* FROM published.numeric_facts f "
                    "JOIN documents d USING (doc_id)")
        con.execute(f"INSERT INTO quarantine BY NAME SELECT q.* FROM published.quarantine q JOIN _carry {key}")
        found = con.execute("SELECT source_file FROM documents UNION SELECT source_file FROM quarantine").fetchall()
    except duckdb.Error:
        # A warehouse of another schema: nothing is carried over, everything is made again.
        for table in ("numeric_facts", "documents", "quarantine"):
            con.execute(f"DELETE FROM {table}")
        found = []
    finally:
        con.unregister("_carry")
        con.execute("DETACH published")
    return {row[0] for row in found}


def publish_warehouse(
    path: Path,
    documents: pl.DataFrame,
    facts: pl.DataFrame,
    quarantine: pl.DataFrame,
    *,
    carry: pl.DataFrame | None = None,
    recompute: Recompute | None = None,
) -> PublishReport:
    """Build the warehouse in a new file and swap it in; raise ``PublishError`` on any failed check.

    The frames hold the rows of new and changed files. ``carry`` (source_file,
    content_sha256, pipeline_version) names unchanged files whose rows are copied from the
    published warehouse; any of them it no longer holds (another run replaced it meanwhile)
    are made again with ``recompute``. Files in neither are gone from the new warehouse.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.{uuid.uuid4().hex}.building")
    with _writer_lock(path):
        quarantine = keep_first_detection(quarantine, previous_detections(path))
        try:
            with duckdb.connect(str(building)) as con:
                for ddl in ddl_files().values():
                    con.execute(ddl)
                for view in sorted(VIEWS_DIR.glob("*.sql")):
                    con.execute(view.read_text("utf-8"))
                carried = _carry_over(con, path, carry) if carry is not None else set()
                if carry is not None and recompute is not None:
                    missing = sorted(set(carry["source_file"].to_list()) - carried)
                    if missing:
                        extra = recompute(missing)
                        documents, facts, quarantine = (pl.concat([a, b]) for a, b in
                                                        zip((documents, facts, quarantine), extra, strict=True))
                frames = {
                    "documents": documents.sort("source_file"),
                    "numeric_facts": facts.sort("doc_id", "start_char", "end_char", "fact_id"),
                    "quarantine": quarantine.sort("source_file"),
                }
                con.execute("BEGIN TRANSACTION")
                try:
                    for table, frame in frames.items():
                        _load(con, table, frame)
                except duckdb.ConstraintException as exc:  # a key or foreign-key violation
                    con.execute("ROLLBACK")
                    raise PublishError(f"warehouse constraint violated, nothing published: {exc}") from exc
                results = {name: _query_frame(con, sql) for name, sql in sql_checks().items()}
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
    return PublishReport(path, counts, results, carried=len(carried))
