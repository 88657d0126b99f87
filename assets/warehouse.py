"""Warehouse layer: the published DuckDB tables `documents`, `numeric_facts`, `quarantine`.

One computation loads all three in one transaction into a new file (rows of unchanged files
copied from the published one), runs the SQL checks of ``sql/checks`` and swaps the file
in; the tables are three assets so that the catalog shows each with its schema and row count.
"""


import dagster as dg
import polars as pl

from pipelines.checks import preview, schema_metadata
from pipelines.hops import process_files, publishable, unchanged_files
from pipelines.resources import SeedFolder, WarehouseFile
from pipelines.schema.tables import Documents, NumericFacts, Quarantine
from pipelines.version import pipeline_version
from pipelines.warehouse.publish import PublishError, checked_table, publish_warehouse, sql_checks

_CHECK_ASSET = {name: checked_table(sql) for name, sql in sql_checks().items()}


@dg.multi_asset(
    specs=[
        dg.AssetSpec("documents", group_name="warehouse", kinds={"duckdb"}, metadata=schema_metadata(Documents),
                     deps=["parsed_documents"],
                     description="DuckDB table `documents`: one row per article (primary key doc_id)."),
        dg.AssetSpec("numeric_facts", group_name="warehouse", kinds={"duckdb"},
                     metadata=schema_metadata(NumericFacts), deps=["extracted_facts"],
                     description="DuckDB table `numeric_facts`: one row per fact (primary key fact_id, "
                     "foreign key doc_id), body[start_char:end_char] = text."),
        dg.AssetSpec("quarantine", group_name="warehouse", kinds={"duckdb"}, metadata=schema_metadata(Quarantine),
                     deps=["parse_rejects", "extract_rejects", "raw_seed_files"],
                     description="DuckDB table `quarantine`: files that could not be read, parsed or extracted."),
    ],
    check_specs=[
        dg.AssetCheckSpec(name, asset=table, description=f"sql/checks/{name}.sql returns no rows")
        for name, table in _CHECK_ASSET.items()
    ],
    ins={
        "raw_seed_files": dg.AssetIn("raw_seed_files"),
        "parsed_documents": dg.AssetIn("parsed_documents"),
        "extracted_facts": dg.AssetIn("extracted_facts"),
        "parse_rejects": dg.AssetIn("parse_rejects"),
        "extract_rejects": dg.AssetIn("extract_rejects"),
    },
    code_version=pipeline_version(),
)
def publish_tables(
    context: dg.AssetExecutionContext,
    seed_folder: SeedFolder,
    warehouse_file: WarehouseFile,
    raw_seed_files: pl.DataFrame,
    parsed_documents: pl.DataFrame,
    extracted_facts: pl.DataFrame,
    parse_rejects: pl.DataFrame,
    extract_rejects: pl.DataFrame,
):
    documents, facts, quarantine = publishable(parsed_documents, extracted_facts, parse_rejects, extract_rejects)
    try:
        report = publish_warehouse(
            warehouse_file.file(), documents, facts, quarantine, carry=unchanged_files(raw_seed_files),
            recompute=lambda files: process_files(seed_folder.root(), files),
        )
    except PublishError as exc:
        for name, rows in exc.failed_checks.items():
            context.log.error(f"{name}: {rows.height} offending rows\n{rows.head(20)}")
        raise
    path = str(report.path.resolve())
    yield dg.MaterializeResult(asset_key="documents", metadata={
        "dagster/row_count": report.row_counts["documents"], "path": path,
        "carried_over_unchanged": report.carried,
        "made_now": documents.height,
        "preview": preview(documents, ["source_file", "format", "language", "title"]),
    })
    yield dg.MaterializeResult(asset_key="numeric_facts", metadata={
        "dagster/row_count": report.row_counts["numeric_facts"], "path": path,
        "facts_made_now": facts.height,
    })
    yield dg.MaterializeResult(asset_key="quarantine", metadata={
        "dagster/row_count": report.row_counts["quarantine"], "path": path,
        "quarantined_now": preview(quarantine, ["source_file", "stage", "reason"], rows=50),
    })
    for name, rows in report.check_results.items():
        yield dg.AssetCheckResult(asset_key=_CHECK_ASSET[name], check_name=name, passed=rows.is_empty(),
                                  metadata={"offending_rows": rows.height})
