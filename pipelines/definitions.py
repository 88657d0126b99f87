"""The code location: ``build_defs()`` assembles assets, checks and resources explicitly;
``defs`` is what ``workspace.yaml`` and ``dagster ... -m pipelines.definitions`` load."""

from __future__ import annotations

import dagster as dg

from assets.core import extract_facts, parse_documents
from assets.raw import raw_seed_files
from assets.warehouse import publish_tables
from pipelines.resources import default_resources

ALL_ASSETS = [raw_seed_files, parse_documents, extract_facts, publish_tables]


def build_defs(*, seeds_dir: str | None = None, duckdb_path: str | None = None) -> dg.Definitions:
    """Definitions with the seeds folder and warehouse path given, else from the environment."""
    build_warehouse = dg.define_asset_job(
        "build_warehouse", selection="*",
        description="Read every seed file, parse, extract facts and publish the DuckDB warehouse.",
    )
    return dg.Definitions(
        assets=ALL_ASSETS,
        jobs=[build_warehouse],
        resources=default_resources(seeds_dir, duckdb_path),
    )


defs = build_defs()
