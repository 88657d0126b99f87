"""Read the published warehouse file: what it holds, so a run knows what is already done.

Belongs here: opening the published file read-only, telling "there is none yet" from "it is
there but cannot be opened", and the queries a run needs from it (file hashes, first
detections, the documents it holds). Building a new warehouse is ``publish.py``'s job.

Why the care: a BI tool or a notebook that opens the file read-write (DuckDB's default)
holds a lock that stops every other process from opening it, even read-only. A run that
took that for "no warehouse yet" would reprocess every file and reset the quarantine's
first-detection dates; so a lock is waited for (bounded), then reported with the process
that holds it, and never treated as an empty warehouse.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from pipelines.ingest.files import FileStat
from pipelines.warehouse.state import foreign_file_message, last_publish, not_the_pipelines, written_since

DEFAULT_LOCK_WAIT_SECONDS = 30.0
# How much memory DuckDB may use per connection of a run before it spills to disk (its own
# default is 80 % of the machine's). The checks over 2 million facts peak at 1.3 GB with this
# limit, 1.9 GB without; below about 500 MB the span check's two sorted scans do not fit.
DEFAULT_MEMORY_LIMIT = "1GB"
# For a connection that only reads in bounded batches (the review site): what DuckDB holds
# beyond this is cached blocks, not working memory (100,000 documents: 76 s at 1GB, 79 s here).
READER_MEMORY_LIMIT = "256MB"
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]i?)?B?\s*", re.IGNORECASE)
_UNIT = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}
T = TypeVar("T")


def size_bytes(size: str) -> float | None:
    """Bytes of a DuckDB memory setting ('1GB', '512 MiB'), None for a form not read here."""
    match = _SIZE.fullmatch(size)
    return float(match[1]) * _UNIT[(match[2] or "").lower()] if match else None


def smaller_memory_limit(limit: str, cap: str = READER_MEMORY_LIMIT) -> str:
    """``limit`` or ``cap``, whichever is smaller; ``limit`` when it cannot be compared."""
    limit_bytes, cap_bytes = size_bytes(limit), size_bytes(cap)
    return cap if limit_bytes is not None and cap_bytes is not None and cap_bytes < limit_bytes else limit


# DuckDB: 'Could not set lock on file "...": Conflicting lock is held in /usr/bin/python3 (PID 42) by user x.'
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
# What DuckDB raises when the published tables are of another schema (an older release).
OTHER_SCHEMA = (duckdb.CatalogException, duckdb.BinderException)


def published_target(path: Path) -> Path:
    """Where the warehouse is written: through a symbolic link to its target, so the link
    stays a link and readers of the target see the new warehouse."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


class WarehouseUnavailable(RuntimeError):
    """The published warehouse exists but cannot be opened; nothing was published."""


class WarehouseLocked(WarehouseUnavailable):
    """Another process holds the published warehouse open read-write."""

    def __init__(self, path: Path, waited: float, detail: str) -> None:
        holder = _LOCK_HOLDER.search(detail)
        who = f"{holder['program']} (PID {holder['pid']})" if holder else "another process (DuckDB did not say which)"
        super().__init__(
            f"the published warehouse {path} is locked by {who}, which opened it read-write; waited {waited:.0f} s. "
            "Close that connection (BI tools and notebooks should open the file read-only) and run again."
        )


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower() and isinstance(exc, duckdb.IOException)


def retry_on_lock(action: Callable[[], T], path: Path, lock_wait_seconds: float) -> T:
    """``action()`` (which opens ``path``), retried while another process holds the file's lock.

    After ``lock_wait_seconds`` the lock is raised as ``WarehouseLocked``; any other failure
    to open the file as ``WarehouseUnavailable``. Neither is ever taken for "no warehouse".
    """
    started = time.monotonic()
    delay = 0.1
    while True:
        try:
            return action()
        except duckdb.Error as exc:
            waited = time.monotonic() - started
            if not _is_lock_conflict(exc):
                raise WarehouseUnavailable(
                    f"the published warehouse {path} exists but cannot be opened: {exc}. Nothing was changed; "
                    "move the file aside to rebuild it from the seeds folder."
                ) from exc
            if waited >= lock_wait_seconds:
                raise WarehouseLocked(path, waited, str(exc)) from exc
            time.sleep(min(delay, max(lock_wait_seconds - waited, 0.01)))
            delay = min(delay * 2, 2.0)


@contextlib.contextmanager
def open_published(path: Path, lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
                   memory_limit: str = DEFAULT_MEMORY_LIMIT) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A read-only connection to the published warehouse, or None when there is none yet
    (a lock is waited for; see ``retry_on_lock``); DuckDB may use ``memory_limit``."""
    path = Path(path)
    if not path.exists():
        yield None
        return
    config = {"memory_limit": memory_limit}
    con = retry_on_lock(lambda: duckdb.connect(str(path), read_only=True, config=config), path, lock_wait_seconds)
    try:
        yield con
    finally:
        con.close()


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> pl.DataFrame:
    """A query's rows as a frame, column types kept (through Arrow)."""
    return pl.from_arrow(con.sql(sql, params=params).to_arrow_table())


@dataclass(frozen=True)
class PublishedState:
    """What the published warehouse holds, as far as a run needs it."""

    hashes: dict[str, str]  # source_file -> content_sha256, rows made by the current pipeline version
    note: str | None = None  # why nothing could be reused, when it exists but could not be read
    stats: dict[str, FileStat] = field(default_factory=dict)  # source_file -> size and time recorded with the hash


def read_published(path: Path, version: str, lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
                   memory_limit: str = DEFAULT_MEMORY_LIMIT) -> PublishedState:
    """The hashes of the files the published warehouse holds (as documents or in quarantine),
    made by pipeline ``version``: a file with the same hash need not be processed again; and
    the documents' recorded sizes and times: a file listed with the same need not be read."""
    with open_published(path, lock_wait_seconds, memory_limit) as con:
        if con is None:
            return PublishedState(hashes={})
        foreign = not_the_pipelines(con)
        if foreign is not None:  # a user's database: refused before any file is read
            raise WarehouseUnavailable(foreign_file_message(path, foreign))
        last = last_publish(con)
        if last is not None and written_since(path, last):
            # A client changed the file: its rows may not be what the pipeline made of the files.
            return PublishedState(hashes={}, note=(
                f"the published warehouse {path} was written by another process since its last publish "
                f"({last.published_at:%Y-%m-%d %H:%M:%S} UTC): every file is processed again, and the tables and "
                "views that process made are kept"))
        try:
            rows = query_frame(
                con,
                "SELECT source_file, content_sha256 FROM documents WHERE pipeline_version = ? "
                "UNION ALL SELECT source_file, content_sha256 FROM quarantine "
                "WHERE pipeline_version = ? AND content_sha256 IS NOT NULL",
                [version, version],
            )
            stats = query_frame(
                con,
                "SELECT source_file, file_size_bytes, file_modified_at FROM documents WHERE pipeline_version = ? "
                "AND file_size_bytes IS NOT NULL AND file_modified_at IS NOT NULL",
                [version],
            )
        except OTHER_SCHEMA as exc:
            # Tables of another schema (an earlier release's documents have no file sizes and
            # times): their rows cannot be reused, every file is made again.
            return PublishedState(hashes={},
                                  note=f"the published warehouse has another schema ({exc}); every file is processed again")
    return PublishedState(hashes=dict(rows.iter_rows()),
                          stats={path: FileStat(size, modified) for path, size, modified in stats.iter_rows()})


def published_documents(con: duckdb.DuckDBPyConnection) -> set[str]:
    """source_file of every document the published warehouse holds (empty for another schema)."""
    try:
        return {row[0] for row in con.execute("SELECT source_file FROM documents").fetchall()}
    except OTHER_SCHEMA:
        return set()


def previous_detections(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    """The published quarantine, so that a failure seen before keeps its first detected_at."""
    try:
        return query_frame(con, "SELECT source_file, content_sha256, stage, reason, detected_at FROM quarantine")
    except OTHER_SCHEMA:
        return None
