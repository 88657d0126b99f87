"""Shared by the re-ingest tests and the re-ingest benchmark: a folder of many files, a
sensor tick, a run of the job, and the warehouse tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from pipelines.definitions import build_defs
from pipelines.hops import (
    extract_hop,
    parse_hop,
    process_files,
    publishable,
    raw_hop,
    unchanged_files,
    with_cap_notes,
)
from pipelines.resources import SeedFolder
from pipelines.version import pipeline_version
from pipelines.warehouse.publish import publish_warehouse
from pipelines.warehouse.published import read_published
from tests.conftest import FIXTURES, SEEDS

TABLES = ("documents", "numeric_facts", "quarantine")
RUN_KEY = "dagster/run_key"  # the tag a sensor's run carries its request's run key in


def sources() -> list[Path]:
    """Real documents of every shape: seeds, new-shape samples, collected articles."""
    return (sorted(SEEDS.iterdir()) + sorted(p for p in (FIXTURES / "new_files").rglob("*") if p.is_file())
            + sorted((FIXTURES / "articles" / "docs").iterdir()))


def make_folder(folder: Path, count: int, start: int = 0) -> list[Path]:
    """``count`` distinct files made from the real documents (each gets its own last line)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    real = sources()
    for i in range(start, start + count):
        source = real[i % len(real)]
        target = folder / f"{i:05d}_{source.name}"
        shutil.copy(source, target)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"\n\nCopy {i} of {source.name}.\n")
        made.append(target)
    return made


class Pipeline:
    """One code location (folder + warehouse) on one Dagster instance, driven like the daemon would."""

    def __init__(self, folder: Path, db: Path) -> None:
        self.folder, self.db = folder, db
        self.defs = build_defs(seeds_dir=str(folder), duckdb_path=str(db))
        self.instance = dg.DagsterInstance.ephemeral()
        self.cursor: str | None = None

    def tick(self) -> list[dg.RunRequest]:
        sensor = self.defs.resolve_sensor_def("seed_folder_sensor")
        context = dg.build_sensor_context(instance=self.instance, cursor=self.cursor,
                                          resources={"seed_folder": SeedFolder(path=str(self.folder))})
        result = sensor.evaluate_tick(context)
        if result.cursor is not None:
            self.cursor = result.cursor
        # As the daemon does: a request whose run key an earlier run had is skipped.
        return [request for request in result.run_requests or []
                if not self.instance.get_runs(filters=dg.RunsFilter(tags={RUN_KEY: request.run_key}))]

    def run(self, request: dg.RunRequest | None = None) -> dg.ExecuteInProcessResult:
        job = self.defs.resolve_job_def("build_warehouse")
        tags = {**request.tags, RUN_KEY: request.run_key} if request else None
        return job.execute_in_process(instance=self.instance, tags=tags, raise_on_error=True)

    def tick_and_run(self) -> list[dg.ExecuteInProcessResult]:
        return [self.run(request) for request in self.tick()]


def tables(db: Path, *, detection_times: bool = True) -> dict[str, list[tuple]]:
    """Full table contents, but documents.file_modified_at (recorded or not depending on how
    long before the read the file changed). ``detection_times=False`` leaves out
    quarantine.detected_at, the one column that tells when a warehouse first saw a failure
    (another warehouse file, another moment)."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = {t: con.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
        out["documents"] = con.sql("SELECT * EXCLUDE (file_modified_at) FROM documents ORDER BY ALL").fetchall()
        if not detection_times:
            out["quarantine"] = con.sql("SELECT * EXCLUDE (detected_at) FROM quarantine ORDER BY ALL").fetchall()
        return out


def run_without_dagster(folder: Path, db: Path) -> pl.DataFrame:
    """What one run of the job does, as plain function calls; returns the raw hop's frame."""
    raw = raw_hop(folder, read_published(db, pipeline_version()).hashes)
    documents, parse_rejects = parse_hop(raw)
    facts, extract_rejects = extract_hop(documents)
    publish_warehouse(db, *publishable(with_cap_notes(documents, facts), facts, parse_rejects, extract_rejects),
                      carry=unchanged_files(raw),
                      recompute=lambda files: process_files(folder, files))
    return raw
