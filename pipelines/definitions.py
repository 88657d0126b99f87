"""The code location: ``build_defs()`` assembles assets, checks, resources and the executor
explicitly; ``defs`` is what ``workspace.yaml`` and ``dagster ... -m pipelines.definitions`` load.

The executor is in-process by default: the steps pass small values and spread their files over
worker processes themselves, while the multiprocess executor spends seconds starting a Python
process per step (a run that changed nothing took 28-48 s with it). ``RUN_EXECUTOR`` picks
another one, the multiprocess or the Kubernetes executor (``pipelines/executors``).
"""

from __future__ import annotations

import dagster as dg

from assets.core import process_documents, reference_data
from assets.raw import raw_seed_files
from assets.review import review_site
from assets.warehouse import publish_tables
from pipelines.executors import executor_from_env
from pipelines.automation import build_warehouse, daily_reingest, seed_folder_sensor
from pipelines.resources import default_resources

ALL_ASSETS = [raw_seed_files, process_documents, reference_data, publish_tables, review_site]


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
