"""The code location: ``build_defs()`` assembles assets, checks, resources and the executor
explicitly; ``defs`` is what ``workspace.yaml`` and ``dagster ... -m pipelines.definitions`` load.

The executor is in-process by default: the steps pass frames of a few MB and take well under a
second each at a few thousand files, while the multiprocess executor spends seconds starting a
Python process per step (a run that changed nothing took 28-48 s with it). ``RUN_EXECUTOR``
picks another one (README, "Executors").
"""

from __future__ import annotations

import os

import dagster as dg

from assets.core import process_documents, reference_data
from assets.raw import raw_seed_files
from assets.review import review_site
from assets.warehouse import publish_tables
from pipelines.automation import build_warehouse, daily_reingest, seed_folder_sensor
from pipelines.resources import default_resources

ALL_ASSETS = [raw_seed_files, process_documents, reference_data, publish_tables, review_site]
EXECUTORS = {"in_process": dg.in_process_executor, "multiprocess": dg.multiprocess_executor}


def executor_from_env() -> dg.ExecutorDefinition:
    name = os.environ.get("RUN_EXECUTOR", "in_process")
    if name not in EXECUTORS:
        raise ValueError(f"RUN_EXECUTOR={name!r}: expected one of {', '.join(EXECUTORS)}")
    return EXECUTORS[name]


def build_defs(*, seeds_dir: str | None = None, duckdb_path: str | None = None) -> dg.Definitions:
    """Definitions with the seeds folder and warehouse path given, else from the environment."""
    return dg.Definitions(
        assets=ALL_ASSETS,
        jobs=[build_warehouse],
        schedules=[daily_reingest],
        sensors=[seed_folder_sensor],
        resources=default_resources(seeds_dir, duckdb_path),
        executor=executor_from_env(),
    )


defs = build_defs()
