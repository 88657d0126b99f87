"""Per-document work in hash shards, handed between hops as Parquet files (no Dagster here).

A run's new and changed files are split into shards by a hash of their path; each shard is
read, parsed and extracted in batches, and every batch's frames are validated by their
Pandera models and written as Parquet files. What the next hop receives is a ``StagedRows``:
the files' paths and row count, a few hundred bytes whatever the corpus size, so no hop
holds the corpus and no step pickles it. The publish reads the files inside DuckDB.

Why static hash shards of the path, not partitions per arrival batch: a file always lands in
the same shard, the shard count bounds the steps (and files) of a run whatever the corpus
size, and a run only has the shards that hold a new or changed file. Arrival batches would
grow without end, and a changed file would belong to two of them. The assets map
``process_shard`` over ``plan_shards`` as Dagster dynamic steps, so the multiprocess
executor runs shards side by side and a distributed executor runs each on a worker of its own.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import polars as pl

from pipelines.hops import FileTask, process_file, span_mismatches
from pipelines.ingest.files import ReadPolicy
from pipelines.parallel import DEFAULT_MIN_ITEMS, worker_pool
from pipelines.progress import Progress
from pipelines.schema.frames import frame_from_rows
from pipelines.schema.tables import Documents, NumericFacts, Quarantine
from pipelines.schema.validate import ValidationReport, validate_frame
from pipelines.staged import StagedRows

T = TypeVar("T")

DEFAULT_SHARDS = 8
DEFAULT_BATCH_FILES = 2000  # files per batch: what a shard step holds in memory at once

# The frames a shard hands on, by the asset they belong to, with their Pandera models.
STAGED_MODELS = {"parsed_documents": Documents, "parse_rejects": Quarantine,
                 "extracted_facts": NumericFacts, "extract_rejects": Quarantine}


def shard_key(source_file: str, shards: int) -> str:
    """The shard of a path: a stable hash of it modulo ``shards``, zero-padded ("03")."""
    digest = hashlib.blake2b(source_file.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return f"{int.from_bytes(digest, 'big') % shards:0{len(str(max(shards - 1, 0)))}d}"


@dataclass(frozen=True)
class ShardTask:
    """The new and changed files of one shard (raw hop rows: path, hash, read error)."""

    key: str
    files: tuple[FileTask, ...]


def shards_for(files: int, shards: int, min_files: int = DEFAULT_MIN_ITEMS) -> int:
    """How many of ``shards`` a run of ``files`` new and changed files uses: no shard with fewer
    than ``min_files`` (a Dagster step costs its own start and events), one at least."""
    return max(1, min(shards, files // max(min_files, 1)))


def plan_shards(raw: pl.DataFrame, shards: int, min_files: int = 1) -> list[ShardTask]:
    """The shards holding this run's new and changed files, in key order (none: nothing to do);
    at most ``shards``, each with at least ``min_files`` files (``shards_for``)."""
    todo = raw.filter(pl.col("change") != "unchanged").select("source_file", "content_sha256", "read_error")
    count = shards_for(todo.height, shards, min_files)
    grouped: dict[str, list[FileTask]] = {}
    for source_file, sha, error in todo.iter_rows():
        grouped.setdefault(shard_key(source_file, count), []).append(FileTask(source_file, sha, error))
    return [ShardTask(key, tuple(files)) for key, files in sorted(grouped.items())]


@dataclass(frozen=True)
class ShardResult:
    """What one shard produced: its staged frames, the validation failures, span mismatches."""

    key: str
    staged: dict[str, StagedRows]
    failed_validations: dict[str, list[ValidationReport]] = field(default_factory=dict)
    span_mismatches: pl.DataFrame | None = None
    files: int = 0


def _batches(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    it = iter(items)
    while batch := tuple(itertools.islice(it, size)):
        yield batch


def files_per_task(files: int, workers: int, batch_files: int) -> int:
    """Files a worker reads, parses and extracts per task: few enough that the workers finish a
    shard together (16 tasks a worker), at most 64 (more saves nothing), at most a batch."""
    return max(1, min(64, batch_files, files // max(workers * 16, 1)))


def stage_files(root: Path, policy: ReadPolicy, files: tuple[FileTask, ...]) -> dict[str, pl.DataFrame]:
    """Some files read, parsed and extracted into the staged frames (``STAGED_MODELS``). A
    worker hands back frames, not row dicts: they pickle as a few column buffers, so the
    shard's own process, which validates and writes every batch, is not the bottleneck."""
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in STAGED_MODELS}
    for task in files:
        for name, found in zip(STAGED_MODELS, process_file(root, policy, task), strict=True):
            rows[name].extend(found)
    return {name: frame_from_rows(model, rows[name]) for name, model in STAGED_MODELS.items()}


def process_shard(task: ShardTask, root: Path, out_dir: Path, *, policy: ReadPolicy = ReadPolicy(),
                  workers: int = 1, min_parallel: int = DEFAULT_MIN_ITEMS, batch_files: int = DEFAULT_BATCH_FILES,
                  progress: Progress | None = None) -> ShardResult:
    """Read, parse and extract one shard's files below ``root``, batch by batch, over ``workers``
    processes; each batch's frames are validated and written to ``out_dir`` as Parquet."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[StagedRows]] = {name: [] for name in STAGED_MODELS}
    failed: dict[str, list[ValidationReport]] = {}
    mismatches = []
    per_task = files_per_task(len(task.files), workers, batch_files)
    tasks = list(_batches(task.files, per_task))
    with worker_pool(workers, len(task.files), min_parallel) as pool:
        # One map over the whole shard: the workers go on with the next batch while this
        # process checks and writes the last one (results still come back in file order).
        staged = zip(map(len, tasks), pool.map(functools.partial(stage_files, root, policy), tasks, chunksize=1))
        for number, batch in enumerate(_batches(staged, max(1, batch_files // per_task))):
            if progress is not None:
                progress.advance(sum(files for files, _ in batch))
            frames = {name: pl.concat([parts[name] for _, parts in batch]) for name in STAGED_MODELS}
            del batch
            for name, model in STAGED_MODELS.items():
                report = validate_frame(model, frames[name])
                if not report.passed:
                    failed.setdefault(name, []).append(report)
                path = out_dir / f"{name}-{number:04d}.parquet"
                if frames[name].height:
                    frames[name].write_parquet(path)
                written[name].append(StagedRows(model.__name__, (str(path),) if frames[name].height else (),
                                                frames[name].height))
            mismatches.append(span_mismatches(frames["parsed_documents"], frames["extracted_facts"]))
    staged_rows = {name: StagedRows.combine(model.__name__, written[name]) for name, model in STAGED_MODELS.items()}
    return ShardResult(task.key, staged_rows, failed, pl.concat(mismatches) if mismatches else None, len(task.files))
