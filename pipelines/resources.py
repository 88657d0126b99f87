"""Dagster resources: where the seeds are, where the warehouse goes, and the publish guards.

Every setting comes from the environment with a default, so ``dagster dev`` and
``dagster asset materialize`` work as is; the README's Configuration table lists them. A
relative path is resolved against the working directory of the process that runs the
step (the repository root for ``dagster dev`` with ``workspace.yaml``), and every run logs
the absolute paths it uses.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipelines import settings
from pipelines.run_storage import RunScopedIOManager
from pipelines.settings import DEFAULT_DUCKDB_PATH, DEFAULT_SEEDS_DIR
from pipelines.ingest.files import DEFAULT_MAX_FILE_BYTES, ReadPolicy, check_seed_folder
from pipelines.parallel import DEFAULT_MIN_ITEMS, machine_workers
from pipelines.shards import DEFAULT_BATCH_FILES, DEFAULT_SHARDS
from pipelines.warehouse.publish import DEFAULT_MAX_DROPPED_SHARE
from pipelines.warehouse.published import DEFAULT_LOCK_WAIT_SECONDS, DEFAULT_MEMORY_LIMIT
from pipelines.warehouse.turn import DEFAULT_TURN_WAIT_SECONDS, warehouse_turn



class SeedFolder(dg.ConfigurableResource):
    """The folder of raw article files (any depth; dotfiles skipped) and what may be read of it."""

    path: str = DEFAULT_SEEDS_DIR
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    """A larger file is quarantined, not read."""
    allow_outside_links: bool = False
    """Follow symbolic links whose target is outside the folder (off: they are quarantined)."""
    allow_hard_links: bool = False
    """Read files that have other hard links (off: they are quarantined; another name may be outside the folder)."""

    def policy(self) -> ReadPolicy:
        return ReadPolicy(max_file_bytes=self.max_file_bytes, allow_outside_links=self.allow_outside_links,
                          allow_hard_links=self.allow_hard_links)

    def root(self) -> Path:
        """The folder as an absolute path (it may not exist)."""
        return Path(self.path).expanduser().absolute()

    def checked_root(self) -> Path:
        """The folder, or ``SeedFolderError``: one line naming the setting, the absolute path
        it resolved to and the working directory."""
        return check_seed_folder("SEEDS_DIR", self.path, Path.cwd())


class WarehouseFile(dg.ConfigurableResource):
    """The published DuckDB file that BI tools and SQL users read, and how a publish guards it."""

    path: str = DEFAULT_DUCKDB_PATH
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    """How long a run waits for a client that holds the file open read-write before it fails."""
    turn_wait_seconds: float = DEFAULT_TURN_WAIT_SECONDS
    """How long a publish or review step waits for another run's to finish writing, then fails."""
    max_dropped_share: float = DEFAULT_MAX_DROPPED_SHARE
    """The largest share of the published documents one run may drop (1 allows dropping all)."""
    review_path: str = ""
    """The review site's folder; empty: ``<name>.review/`` beside the warehouse file."""
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    """How much memory DuckDB may use per connection before it spills to disk (DuckDB's syntax: 1GB)."""
    staging_path: str = ""
    """Where the hops stage their Parquet files, a folder per run; empty: ``.staging/`` beside the
    warehouse file. On a cluster, a volume every worker mounts at the same path."""

    def file(self) -> Path:
        return Path(self.path).expanduser().absolute()

    def turn(self, context: dg.AssetExecutionContext):
        """The turn to write the warehouse and its site (``pipelines/warehouse/turn.py``), for
        the step of ``context``: it names the run and step while it holds it, logs whom it waits
        for, and gives up after ``turn_wait_seconds``."""
        return warehouse_turn(self.file(), holder=f"run {context.run.run_id} ({context.op_def.name})",
                              wait_seconds=self.turn_wait_seconds, report=context.log.info)

    def review_folder(self) -> Path:
        """The review site's folder: ``review_path``, else ``<name>.review/`` beside the warehouse
        file (``data/warehouse.review/``): a site per warehouse, so two warehouses in one folder
        never share one."""
        if self.review_path:
            return Path(self.review_path).expanduser().absolute()
        return self.file().parent / f"{self.file().stem}.review"

    def staging_folder(self) -> Path:
        """The staging folder: ``staging_path``, else ``.staging/`` beside the warehouse file."""
        if self.staging_path:
            return Path(self.staging_path).expanduser().absolute()
        return self.file().parent / ".staging"


def outputs_inside_seeds(seed_folder: SeedFolder, warehouse_file: WarehouseFile) -> str | None:
    """Why the pipeline may not write where it is told, or None: a warehouse, review site or
    staging folder inside SEEDS_DIR would be read back as articles by the next run (and the
    site's pages written over the user's files)."""
    root = Path(os.path.realpath(seed_folder.root()))
    outputs = {"DUCKDB_PATH": warehouse_file.file(),
               "REVIEW_DIR" if warehouse_file.review_path else "the review site (<name>.review/ beside DUCKDB_PATH)":
               warehouse_file.review_folder(),
               "STAGING_DIR" if warehouse_file.staging_path else "the staging folder (.staging/ beside DUCKDB_PATH)":
               warehouse_file.staging_folder()}
    for name, path in outputs.items():
        if Path(os.path.realpath(path)).is_relative_to(root):
            return (f"refused: {name} {path} is inside SEEDS_DIR {root}: the next run would read it as articles. "
                    "Keep the warehouse, the review site and the staging folder outside the seeds folder.")
    return None


class Processing(dg.ConfigurableResource):
    """How parsing, extraction and the review site's pages share out the work: shards (Dagster
    steps, side by side under the multiprocess or a distributed executor), batches within a
    shard (what one step holds in memory), and worker processes within a step."""

    workers: int = 0
    """Worker processes for parsing, extraction and review pages; 0: one per core this process may use."""
    min_parallel: int = DEFAULT_MIN_ITEMS
    """Fewer new or changed files than this are processed in the step's own process, and no
    shard is made for fewer."""
    shards: int = DEFAULT_SHARDS
    """Hash shards of the file paths: at most this many parse-and-extract steps per run."""
    batch_files: int = DEFAULT_BATCH_FILES
    """Files a shard step reads, parses and extracts at once before writing them out."""

    def worker_count(self) -> int:
        """``workers``, at most one per core this process may use (more only take memory)."""
        cores = machine_workers()
        return min(self.workers, cores) if self.workers > 0 else cores


def default_resources(seeds_dir: str | None = None, duckdb_path: str | None = None) -> dict[str, object]:
    """The resources with every setting from the environment (``pipelines/settings.py``; a value
    that is not allowed keeps its default here, and the run's first step refuses it), and the IO
    manager that keeps each run's step values to that run (``pipelines/run_storage.py``)."""
    values, _ = settings.load()
    return {
        "io_manager": RunScopedIOManager(),
        "seed_folder": SeedFolder(path=seeds_dir or values.SEEDS_DIR, max_file_bytes=values.MAX_FILE_BYTES,
                                  allow_outside_links=values.SEEDS_ALLOW_OUTSIDE_LINKS,
                                  allow_hard_links=values.SEEDS_ALLOW_HARD_LINKS),
        "warehouse_file": WarehouseFile(
            path=duckdb_path or values.DUCKDB_PATH, lock_wait_seconds=values.WAREHOUSE_LOCK_WAIT_SECONDS,
            turn_wait_seconds=values.WAREHOUSE_TURN_WAIT_SECONDS,
            max_dropped_share=values.MAX_DROPPED_SHARE, review_path=values.REVIEW_DIR,
            staging_path=values.STAGING_DIR, memory_limit=values.DUCKDB_MEMORY_LIMIT,
        ),
        "processing": Processing(workers=values.PIPELINE_WORKERS, min_parallel=values.PIPELINE_MIN_PARALLEL,
                                 shards=values.PIPELINE_SHARDS, batch_files=values.PIPELINE_BATCH_FILES),
    }
