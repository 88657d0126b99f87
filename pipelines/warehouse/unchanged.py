"""A run that changed nothing publishes nothing: the published file stays, its checks run again.

A new warehouse file is built only when it would differ from the published one. It would not
when (1) no file of the folder was added, changed or deleted since the published warehouse
was made by this pipeline version, and (2) the published file is the one the last publish
wrote, with the same warehouse code (DDL, views, checks, claims, publish): ``PublishedFile``
is what the last publish recorded of it (in the Dagster materialization's metadata, so the
incremental state lives in the asset graph), compared with the file on disk. Then the SQL
checks run again on the published file, read-only, and the run reports its tables as they are.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import polars as pl

from pipelines.schema.ddl import SQL_DIR
from pipelines.version import pipeline_version
from pipelines.warehouse.publish import (
    STORAGE_COMPATIBILITY_VERSION,
    PublishError,
    PublishReport,
    published_target,
    run_checks,
    sql_summaries,
)
from pipelines.warehouse.published import open_published, query_frame

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


@dataclass(frozen=True)
class PublishedFile:
    """The published file as a publish left it: where, the code that made it, its size and time."""

    path: str
    fingerprint: str
    size_bytes: int
    modified_ns: int

    KEYS: ClassVar[tuple[str, ...]] = ("path", "warehouse_fingerprint", "warehouse_size_bytes",
                                       "warehouse_modified_ns")

    @classmethod
    def on_disk(cls, path: Path) -> PublishedFile | None:
        try:
            status = os.stat(path)
        except OSError:
            return None
        return cls(str(path), warehouse_fingerprint(), status.st_size, status.st_mtime_ns)

    def metadata(self) -> dict[str, object]:
        values = (self.path, self.fingerprint, self.size_bytes, str(self.modified_ns))  # ns overflow int metadata
        return dict(zip(self.KEYS, values, strict=True))

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, object]) -> PublishedFile | None:
        if not all(key in metadata for key in cls.KEYS):
            return None
        path, fingerprint, size, modified = (metadata[key] for key in cls.KEYS)
        return cls(str(path), str(fingerprint), int(size), int(modified))


def recheck_unchanged(path: Path, carry: pl.DataFrame, recorded: PublishedFile | None,
                      lock_wait_seconds: float) -> PublishReport | None:
    """The published warehouse's report, its checks run again, when this run would publish the
    same warehouse: ``recorded`` (what the last publish left) is the file on disk, and the
    files it holds are exactly ``carry`` (this run's unchanged files). Else None: publish."""
    path = published_target(Path(path))  # as the publish recorded it: a link's target
    if recorded is None or PublishedFile.on_disk(path) != recorded:
        return None
    with open_published(path, lock_wait_seconds) as con:
        if con is None:
            return None
        held = query_frame(con, "SELECT source_file, content_sha256, pipeline_version FROM documents "
                                "UNION ALL SELECT source_file, content_sha256, pipeline_version FROM quarantine")
        key = ["source_file", "content_sha256", "pipeline_version"]
        if held.height != carry.height or not held.sort(key).equals(carry.select(key).sort(key)):
            return None
        results = run_checks(con)
        failed = PublishError("", results).failed_checks
        if failed:  # the same rows passed when they were published: the checks' code changed under them
            summary = ", ".join(f"{name} ({rows.height} rows)" for name, rows in failed.items())
            raise PublishError(f"the published warehouse fails its checks: {summary}", results)
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}
        summaries = {name: query_frame(con, sql) for name, sql in sql_summaries().items()}
    return PublishReport(path, counts, results, summaries, carried=carry.height, dropped=0, unchanged=True)
