"""Re-ingest automation: the job, a schedule and a sensor on the seeds folder.

Both start the same job, which is incremental (unchanged files cost a hash), so a run after
any change costs about the change. The sensor sees a change as a new fingerprint of the
folder (every path with its size and modification time); it starts one run per change it
sees, not one per file, and none while a re-ingest is still running (the change is then
picked up by the next tick), so a burst of files lands in one run or a few.

Both ship stopped; ``AUTOMATION_DEFAULT_STATUS=running`` starts them with the code
location, or switch them on in the UI (Automation) or with ``dagster sensor start``.
"""

from __future__ import annotations

import hashlib
import os

import dagster as dg

from pipelines.ingest.files import list_seed_paths
from pipelines.resources import SeedFolder

WRITER_TAG = {"chipfacts/writer": "warehouse"}
IN_PROGRESS = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
               dg.DagsterRunStatus.STARTED]

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection="*",
    tags=WRITER_TAG,
    description="Re-ingest the seeds folder: hash every file, parse and extract the new and changed ones, "
    "drop the deleted ones, and publish the DuckDB warehouse.",
)


def folder_fingerprint(seed_folder: SeedFolder) -> str:
    """A digest of every file's path, size and modification time: changes when a file is
    added, changed or deleted, without reading any file."""
    root = seed_folder.root()
    digest = hashlib.sha256()
    for path in list_seed_paths(root):
        stat = path.stat()
        digest.update(f"{path.relative_to(root).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _default_status() -> dg.DefaultSensorStatus:
    running = os.environ.get("AUTOMATION_DEFAULT_STATUS", "stopped").lower() == "running"
    return dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED


@dg.sensor(
    job=build_warehouse,
    minimum_interval_seconds=int(os.environ.get("SENSOR_INTERVAL_SECONDS", "30")),
    default_status=_default_status(),
    description="Starts a re-ingest when a file in SEEDS_DIR is added, changed or deleted.",
)
def seed_folder_sensor(context: dg.SensorEvaluationContext, seed_folder: SeedFolder):
    fingerprint = folder_fingerprint(seed_folder)
    if fingerprint == context.cursor:
        return dg.SkipReason("no file added, changed or deleted")
    running = context.instance.get_runs(
        filters=dg.RunsFilter(job_name=build_warehouse.name, statuses=IN_PROGRESS), limit=1
    )
    if running:
        return dg.SkipReason(f"run {running[0].run_id} is re-ingesting; the change is picked up after it")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint, tags=WRITER_TAG)], cursor=fingerprint)


daily_reingest = dg.ScheduleDefinition(
    name="daily_reingest",
    job=build_warehouse,
    cron_schedule=os.environ.get("REINGEST_CRON", "0 3 * * *"),
    execution_timezone=os.environ.get("REINGEST_TIMEZONE", "UTC"),
    default_status=dg.DefaultScheduleStatus(_default_status().value),
    description="Re-ingests the seeds folder on a cron (REINGEST_CRON, default daily 03:00 UTC).",
)
