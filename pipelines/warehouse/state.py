"""What the published file knows of itself: its newest ``publishes`` row, and whether another
process wrote to it since.

The state a run relies on lives in the warehouse file it describes, not in Dagster's run
history: two warehouses on one ``DAGSTER_HOME`` never see each other's state, and wiping
``.dagster_home`` costs no rebuild. Every publish writes a ``publishes`` row (what code made
the file, from which folder) and gives the file the modification time the row records. A run
compares the two: the same means nothing else wrote the file since, so a run that changed
nothing keeps it (``unchanged.py``) and a run that changed a few files applies just their rows
to a copy of it (``publish.py``). Another time on disk means a client wrote to it: its own
tables and views are kept, the pipeline's rows are made again from the folder.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.schema.ddl import SQL_DIR
from pipelines.version import pipeline_version

# The on-disk format the warehouse is written in. DuckDB 2.0 writes its newest format by
# default, which no 1.x client (CLI, JDBC/ODBC, the Node driver BI tools use) can open. Written
# for v1.1.0, it opens in DuckDB 1.1 and later (tests/integration/test_bi_clients.py: Python
# 1.1.3, CLI 1.5.6); DuckDB 1.0 cannot read the key constraints even in the v1.0.0 format.
STORAGE_COMPATIBILITY_VERSION = "v1.1.0"

_PIPELINES = Path(__file__).resolve().parents[1]
# What makes the warehouse out of the rows besides the pipeline version: its SQL, its schema,
# the claims and the publish itself.
_WAREHOUSE_CODE = (SQL_DIR, _PIPELINES / "warehouse", _PIPELINES / "schema", _PIPELINES / "claims.py")


@functools.cache
def warehouse_fingerprint() -> str:
    """A hash of the pipeline version, the storage version and every file of the warehouse code."""
    digest = hashlib.sha256(f"{pipeline_version()}\x1d{STORAGE_COMPATIBILITY_VERSION}".encode())
    for root in _WAREHOUSE_CODE:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in (".py", ".sql", ".yaml"))
        for file in files:
            digest.update(file.relative_to(_PIPELINES.parent).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def publish_time_ns() -> int:
    """The modification time a publish gives its file: now, in whole seconds, so that every file
    system keeps it exactly, and a later write (which stamps nanoseconds) never equals it."""
    return int(time.time()) * 1_000_000_000


@dataclass(frozen=True)
class LastPublish:
    """The newest ``publishes`` row of a warehouse file."""

    publish_id: str
    published_at: dt.datetime
    run_id: str | None
    seeds_dir: str
    fingerprint: str
    modified_ns: int

    def metadata(self) -> dict[str, object]:
        """What the catalog shows of the published file (a report: runs read the file itself)."""
        return {"publish_id": self.publish_id, "published_at": self.published_at.isoformat(sep=" "),
                "published_by_run": self.run_id or "", "published_from": self.seeds_dir,
                "warehouse_fingerprint": self.fingerprint}


def last_publish(con: duckdb.DuckDBPyConnection, database: str | None = None) -> LastPublish | None:
    """The newest publish of the file open on ``con`` (or its attached ``database``); None for a
    file without a ``publishes`` table (not the pipeline's, or an earlier release's)."""
    table = f"{database}.main.publishes" if database else "publishes"
    try:
        rows = con.execute(f"SELECT publish_id, published_at, run_id, seeds_dir, warehouse_fingerprint, "
                           f"file_modified_ns FROM {table} ORDER BY publish_number DESC LIMIT 1").fetchall()
    except (duckdb.CatalogException, duckdb.BinderException):
        return None
    return LastPublish(*rows[0]) if rows else None


@dataclass(frozen=True)
class FileIdentity:
    """Which bytes a path holds, as far as ``stat`` tells: a write or a replace changes it."""

    inode: int
    size: int
    modified_ns: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        try:
            status = os.stat(path)
        except OSError:
            return None
        return cls(status.st_ino, status.st_size, status.st_mtime_ns)


def written_since(path: Path, last: LastPublish) -> bool:
    """Whether another process wrote to the file since ``last`` published it."""
    identity = FileIdentity.of(path)
    return identity is None or identity.modified_ns != last.modified_ns


def reusable(path: Path, last: LastPublish | None) -> bool:
    """Whether the file is as the pipeline's last publish left it, by the same warehouse code: its
    rows can be kept and a change applied to a copy of it."""
    return last is not None and last.fingerprint == warehouse_fingerprint() and not written_since(path, last)


def not_the_pipelines(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the file open on ``con`` is not a warehouse this pipeline wrote (its tables named), or
    None when it is: it has the ``publishes`` table every publish writes, or, written by an
    earlier release, the ``documents`` and ``numeric_facts`` tables with the columns a run
    reads. A publish replaces only such a file: anything else is a user's database."""
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                            "AND database_name = current_database()").fetchall()}
    if "publishes" in tables:
        return None
    if {"documents", "numeric_facts", "quarantine"} <= tables:
        columns = {row[0] for row in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = "
                                                 "'documents' AND database_name = current_database()").fetchall()}
        if {"doc_id", "source_file", "content_sha256", "pipeline_version", "body"} <= columns:
            return None
    shown = ", ".join(sorted(tables)[:8]) + (f" and {len(tables) - 8} more" if len(tables) > 8 else "")
    return f"its tables: {shown}" if tables else "it has no tables"


def foreign_file_message(path: Path, why: str) -> str:
    return (f"refused: DUCKDB_PATH {path} is a DuckDB database this pipeline did not write ({why}); nothing was "
            "replaced. Point DUCKDB_PATH at a new file, or at a warehouse this pipeline wrote.")
