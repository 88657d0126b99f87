"""The code location: ``build_defs()`` assembles assets, checks and resources explicitly;
``defs`` is what ``workspace.yaml`` and ``dagster ... -m pipelines.definitions`` load."""

from __future__ import annotations

import dagster as dg

from assets.core import extract_facts, parse_documents
from assets.raw import raw_seed_files
from assets.warehouse import publish_tables
from pipelines.automation import build_warehouse, daily_reingest, seed_folder_sensor
from pipelines.resources import default_resources

ALL_ASSETS = [raw_seed_files, parse_documents, extract_facts, publish_tables]


def build_defs(*, seeds_dir: str | None = None, duckdb_path: str | None = None) -> dg.Definitions:
    """Definitions with the seeds folder and warehouse path given, else from the environment."""
    return dg.Definitions(
        assets=ALL_ASSETS,
        jobs=[build_warehouse],
        schedules=[daily_reingest],
        sensors=[seed_folder_sensor],
        resources=default_resources(seeds_dir, duckdb_path),
    )


defs = build_defs()
