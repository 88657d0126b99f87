"""Rows handed from one hop to the next as Parquet files instead of an in-memory frame.

A ``StagedRows`` names the files and counts the rows: pickled between Dagster steps it is a
few hundred bytes whatever the corpus size, and the publish reads the files inside DuckDB
(``read_parquet``), so no process holds the corpus. Files live in a folder per run below
the staging folder; ``remove_stale_runs`` deletes those no asset value refers to any more.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from pipelines.schema import tables
from pipelines.schema.frames import polars_schema


@dataclass(frozen=True)
class StagedRows:
    """The rows of one frame of Pandera model ``model``, in Parquet ``paths``; the source
    files in ``exclude`` are left out (documents whose extraction failed)."""

    model: str
    paths: tuple[str, ...] = ()
    rows: int = 0
    exclude: tuple[str, ...] = ()

    @property
    def height(self) -> int:
        return self.rows - len(self.exclude) if self.exclude else self.rows

    def schema(self) -> dict[str, pl.DataType]:
        return polars_schema(getattr(tables, self.model))

    def scan(self) -> pl.LazyFrame:
        """The rows, lazily (streamed from the files)."""
        if not self.paths:
            return pl.DataFrame(schema=self.schema()).lazy()
        frame = pl.scan_parquet(list(self.paths))
        return frame.filter(~pl.col("source_file").is_in(list(self.exclude))) if self.exclude else frame

    def read(self, columns: list[str] | None = None) -> pl.DataFrame:
        """The rows (or some columns) as one frame: for small frames and tests, not the corpus."""
        return self.scan().select(columns or list(self.schema())).collect()

    def without(self, sources: Iterable[str]) -> StagedRows:
        """These rows less those of ``sources`` (which must be among them)."""
        return replace(self, exclude=tuple(sorted({*self.exclude, *sources})))

    @staticmethod
    def combine(model: str, parts: Iterable[StagedRows]) -> StagedRows:
        parts = list(parts)
        return StagedRows(model, tuple(p for part in parts for p in part.paths), sum(part.rows for part in parts),
                          tuple(sorted({s for part in parts for s in part.exclude})))


Rows = pl.DataFrame | StagedRows


def run_folder(staging: Path, path: str) -> str | None:
    """The run folder (first part below ``staging``) a staged file lives in."""
    try:
        return Path(path).relative_to(staging).parts[0]
    except (ValueError, IndexError):
        return None


def remove_stale_runs(staging: Path, in_use: Iterable[StagedRows], finished: Callable[[str], bool]) -> list[str]:
    """Delete the run folders below ``staging`` that no value in ``in_use`` refers to and
    whose run has ``finished`` (a running run's shards may still be writing); their names."""
    if not staging.is_dir():
        return []
    keep = {run_folder(staging, p) for rows in in_use for p in rows.paths}
    removed = []
    for folder in sorted(staging.iterdir()):
        if folder.is_dir() and folder.name not in keep and finished(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed
