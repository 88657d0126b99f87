"""Pandera models as Dagster catalog schemas and blocking asset checks; the catalog's tables.

One factory for every hop: ``pandera_check_spec`` declares the check on an asset, and
``pandera_check_result`` validates the frame the asset just produced. The check is
blocking, so a failure stops every downstream asset, the DuckDB publish included, and
its metadata lists the failing rows and checks. ``frame_table`` and ``counts_table`` turn
frames into typed catalog tables; ``run_failure`` is how an asset fails with one clear line.
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


_TABLE_TYPES = {pl.Int8: "int", pl.Int16: "int", pl.Int32: "int", pl.Int64: "int", pl.UInt32: "int",
                pl.UInt64: "int", pl.Float32: "float", pl.Float64: "float", pl.Boolean: "bool"}
MAX_CELL = 120


def _cell(value: object, kind: str) -> object:
    if value is None or kind != "string":
        return value
    text = str(value).replace("\n", " ")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def frame_table(frame: pl.DataFrame, columns: list[str] | None = None, rows: int = 10) -> dg.MetadataValue:
    """The first ``rows`` rows of some columns as a typed table (long text cut short)."""
    head = frame.select(columns or frame.columns).head(rows)
    kinds = {name: _TABLE_TYPES.get(dtype.base_type(), "string") for name, dtype in head.schema.items()}
    schema = dg.TableSchema(columns=[dg.TableColumn(name, kind) for name, kind in kinds.items()])
    records = [dg.TableRecord({k: _cell(v, kinds[k]) for k, v in row.items()}) for row in head.iter_rows(named=True)]
    return dg.MetadataValue.table(records, schema=schema)


def counts_table(frame: pl.DataFrame | pl.LazyFrame, *columns: str) -> dg.MetadataValue:
    """Rows per value of ``columns`` as a table (no rows: an empty table with the columns); a
    lazy frame is counted as it streams."""
    counts = frame.lazy().group_by(*columns).len("rows").sort(*columns).collect()
    return frame_table(counts, rows=counts.height)


def run_failure(context: dg.AssetExecutionContext, message: str) -> dg.Failure:
    """A run failure whose headline is ``message``, also logged first on a line of its own."""
    context.log.error(message)
    return dg.Failure(description=message, allow_retries=False)
