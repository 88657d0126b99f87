"""Re-ingest automation: the job, a schedule and a sensor on the seeds folder.

Both start the same job, which is incremental (unchanged files cost a hash), so a run after
any change costs about the change. The sensor sees a change as a new fingerprint of the
folder (every path with its size and modification time); it starts one run per change it
sees, not one per file, and none while a re-ingest is still running (the change is then
picked up by the next tick), so a burst of files lands in one run or a few. "Running" means
any run that publishes the warehouse, whatever started it (this job, "Materialize all" in the
UI, a CLI run on the same instance); a run whose process is gone is marked failed first
(``dead_runs``), so a killed run never keeps the sensor waiting. Their publish steps take the
warehouse's turn (``warehouse/turn.py``), which is what keeps writers one at a time.

Both ship stopped; ``AUTOMATION_DEFAULT_STATUS=running`` starts them with the code
location, or switch them on in the UI (Automation) or with ``dagster sensor start``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from pipelines import settings
from pipelines.dead_runs import sweep_dead_runs
from pipelines.ingest.files import SeedFolderError, list_seed_entries
from pipelines.resources import SeedFolder
from pipelines.schema.ddl import table_metadata
from pipelines.schema.tables import PUBLISHED_MODELS

IN_PROGRESS = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
               dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
WAREHOUSE_TABLES = {dg.AssetKey(table_metadata(m)["table"]) for m in PUBLISHED_MODELS}

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Re-ingest the seeds folder: hash every file, parse and extract the new and changed ones, "
    "drop the deleted ones, and publish the DuckDB warehouse.",
)


def _size_and_time(path: Path) -> str:
    for look in (path.stat, path.lstat):  # a broken link has only its own
        try:
            found = look()
            return f"{found.st_size}\0{found.st_mtime_ns}"
        except OSError:
            continue
    return "gone"  # deleted since the listing


def folder_fingerprint(seed_folder: SeedFolder) -> str:
    """A digest of every entry's path, size and modification time (of a link's target when
    it has one, else of the link): changes when a file is added, changed or deleted, without
    reading any file; broken links, loops and special files are fingerprinted, never raised."""
    root = seed_folder.checked_root()
    digest = hashlib.sha256()
    for entry in list_seed_entries(root, seed_folder.policy()):
        digest.update(f"{entry.source_file}\0{entry.problem}\0{_size_and_time(entry.path)}\n".encode())
    return digest.hexdigest()


def _default_status() -> dg.DefaultSensorStatus:
    running = settings.load()[0].AUTOMATION_DEFAULT_STATUS == "running"
    return dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED


def warehouse_run_in_progress(instance: dg.DagsterInstance) -> dg.DagsterRun | None:
    """A queued or running run that publishes the warehouse, from any job or launcher."""
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS)):
        if run.job_name == build_warehouse.name or WAREHOUSE_TABLES & set(run.asset_selection or ()):
            return run
    return None


@dg.sensor(
    job=build_warehouse,
    minimum_interval_seconds=settings.load()[0].SENSOR_INTERVAL_SECONDS,
    default_status=_default_status(),
    description="Starts a re-ingest when a file in SEEDS_DIR is added, changed or deleted.",
)
def seed_folder_sensor(context: dg.SensorEvaluationContext, seed_folder: SeedFolder):
    try:
        fingerprint = folder_fingerprint(seed_folder)
    except SeedFolderError as exc:
        return dg.SkipReason(str(exc))
    seen, requested = _read_cursor(context.cursor)
    if fingerprint == seen:
        return dg.SkipReason("no file added, changed or deleted")
    sweep_dead_runs(context.instance, log=context.log.warning)  # a killed run would keep the sensor waiting
    running = warehouse_run_in_progress(context.instance)
    if running:
        return dg.SkipReason(f"run {running.run_id} is publishing the warehouse; the change is picked up after it")
    # The run key names this request, not the folder state: a state seen before (a file moved
    # out and back keeps its time) is a change since the last publish, and Dagster skips a
    # request whose key an earlier run had.
    requested += 1
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=f"{requested}:{fingerprint}")],
                           cursor=f"{requested}:{fingerprint}")


def _read_cursor(cursor: str | None) -> tuple[str | None, int]:
    """(the folder fingerprint the last request was for, how many requests the sensor made)."""
    if not cursor:
        return None, 0
    count, _, fingerprint = cursor.rpartition(":")
    return fingerprint, int(count) if count.isdigit() else 0


daily_reingest = dg.ScheduleDefinition(
    name="daily_reingest",
    job=build_warehouse,
    cron_schedule=settings.load()[0].REINGEST_CRON,
    execution_timezone=settings.load()[0].REINGEST_TIMEZONE,
    default_status=dg.DefaultScheduleStatus(_default_status().value),
    description="Re-ingests the seeds folder on a cron (REINGEST_CRON, default daily 03:00 UTC).",
)
