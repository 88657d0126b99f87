"""Dagster resources: where the seeds are and where the warehouse goes.

Both come from the environment (``SEEDS_DIR``, ``DUCKDB_PATH``) with defaults relative
to the repository root, so ``dagster dev`` and ``dagster asset materialize`` work as is.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

DEFAULT_SEEDS_DIR = "seeds"
DEFAULT_DUCKDB_PATH = "data/warehouse.duckdb"


class SeedFolder(dg.ConfigurableResource):
    """The folder of raw article files (any depth; dotfiles skipped)."""

    path: str = DEFAULT_SEEDS_DIR

    def root(self) -> Path:
        return Path(self.path).expanduser()


class WarehouseFile(dg.ConfigurableResource):
    """The published DuckDB file that BI tools and SQL users read."""

    path: str = DEFAULT_DUCKDB_PATH

    def file(self) -> Path:
        return Path(self.path).expanduser()


def default_resources(seeds_dir: str | None = None, duckdb_path: str | None = None) -> dict[str, object]:
    return {
        "seed_folder": SeedFolder(path=seeds_dir or os.environ.get("SEEDS_DIR") or DEFAULT_SEEDS_DIR),
        "warehouse_file": WarehouseFile(path=duckdb_path or os.environ.get("DUCKDB_PATH") or DEFAULT_DUCKDB_PATH),
    }
