"""Pandera models as Dagster catalog schemas and blocking asset checks.

One factory for every hop: ``pandera_check_spec`` declares the check on an asset, and
``pandera_check_result`` validates the frame the asset just produced. The check is
blocking, so a failure stops every downstream asset, the DuckDB publish included, and
its metadata lists the failing rows and checks.
"""

from __future__ import annotations

import dagster as dg
import pandera.polars as pa
import polars as pl

from pipelines.schema.ddl import duckdb_type
from pipelines.schema.validate import validate_frame

PANDERA_CHECK = "pandera_schema"


def column_schema(model: type[pa.DataFrameModel]) -> dg.TableSchema:
    """The model's columns as a Dagster table schema (shown in the asset catalog)."""
    columns = []
    for name, column in model.to_schema().columns.items():
        constraints = dg.TableColumnConstraints(nullable=column.nullable, unique=column.unique)
        columns.append(dg.TableColumn(name, duckdb_type(column.dtype), column.description, constraints))
    return dg.TableSchema(columns=columns)


def schema_metadata(model: type[pa.DataFrameModel]) -> dict[str, object]:
    return {"dagster/column_schema": column_schema(model), "pandera_model": model.__name__}


def pandera_check_spec(model: type[pa.DataFrameModel], asset: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        PANDERA_CHECK, asset=asset, blocking=True,
        description=f"Validates the frame against the Pandera model {model.__name__}; a failure blocks downstream.",
    )


def pandera_check_result(model: type[pa.DataFrameModel], frame: pl.DataFrame, asset: str) -> dg.AssetCheckResult:
    report = validate_frame(model, frame)
    metadata: dict[str, object] = {"rows": report.rows, "failures": report.failures.height, "summary": report.summary()}
    if not report.passed:
        metadata["failure_cases"] = dg.MetadataValue.md(report.failure_table())
    return dg.AssetCheckResult(
        asset_key=asset, check_name=PANDERA_CHECK, passed=report.passed,
        severity=dg.AssetCheckSeverity.ERROR, metadata=metadata,
    )


def preview(frame: pl.DataFrame, columns: list[str], rows: int = 10) -> dg.MetadataValue:
    """A Markdown preview of a few columns of the first rows."""
    head = frame.select(columns).head(rows)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in head.iter_rows():
        cells = [str(v)[:60].replace("|", "\\|").replace("\n", " ") if v is not None else "" for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return dg.MetadataValue.md("\n".join(lines))
