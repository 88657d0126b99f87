"""Build polars frames that match a Pandera model, including empty ones.

The column order and dtypes come from the model, so an empty hop (no files, no facts)
still has the right schema downstream and in DuckDB.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandera.polars as pa
import polars as pl


def polars_schema(model: type[pa.DataFrameModel]) -> dict[str, pl.DataType]:
    return {name: column.dtype.type for name, column in model.to_schema().columns.items()}


def frame_from_rows(model: type[pa.DataFrameModel], rows: Iterable[Mapping[str, object]]) -> pl.DataFrame:
    """A frame with exactly the model's columns, in its order; missing keys become null."""
    schema = polars_schema(model)
    rows = [{name: row.get(name) for name in schema} for row in rows]
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
