"""What a publish records of the file it wrote, so the next run can tell whether that file is
still the warehouse it left: the warehouse code that made it, its size and its time.

Recorded in the Dagster materialization's metadata of the `documents` table (the incremental
state lives in the asset graph, not in a side file). A run compares it with the file on disk:
the same means nothing else wrote the file since, so a run that changed nothing keeps it
(``unchanged.py``) and a run that changed a few files applies just their rows to a copy of it
(``publish.py``); anything else builds the warehouse anew.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

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
