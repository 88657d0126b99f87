"""Build polars frames that match a Pandera model, including empty ones.

The column order and dtypes come from the model, so an empty hop (no files, no facts)
still has the right schema downstream and in DuckDB.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

import pandera.polars as pa
import polars as pl

_INTEGER_RANGES = {pl.Int64: (-(2**63), 2**63 - 1), pl.Int32: (-(2**31), 2**31 - 1)}


def polars_schema(model: type[pa.DataFrameModel]) -> dict[str, pl.DataType]:
    return {name: column.dtype.type for name, column in model.to_schema().columns.items()}


def frame_from_rows(model: type[pa.DataFrameModel], rows: Iterable[Mapping[str, object]]) -> pl.DataFrame:
    """A frame with exactly the model's columns, in its order; missing keys become null."""
    schema = polars_schema(model)
    rows = [{name: row.get(name) for name in schema} for row in rows]
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _value_problem(value: object, dtype: pl.DataType) -> str | None:
    if dtype in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[dtype]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            return f"{str(value)[:40]} does not fit a {dtype} column"
    elif dtype == pl.Float64:
        if not isinstance(value, int | float) or not math.isfinite(value):
            return f"{str(value)[:40]} is not a finite number"
    elif dtype == pl.String:
        if not isinstance(value, str):
            return f"a {type(value).__name__} is not text"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "text that is not valid Unicode"
    elif dtype == pl.Binary:
        if not isinstance(value, bytes):
            return f"a {type(value).__name__} is not bytes"
    elif isinstance(dtype, pl.Datetime) and not isinstance(value, dt.datetime):
        return f"a {type(value).__name__} is not a timestamp"
    return None


def row_problem(model: type[pa.DataFrameModel], row: Mapping[str, object]) -> str | None:
    """Why ``row`` cannot be a row of the model's frame (a value that does not fit its
    column's type), or None. Checked per file, so one bad value quarantines that file
    instead of failing the frame of every file at once."""
    for name, dtype in polars_schema(model).items():
        value = row.get(name)
        if value is not None:
            problem = _value_problem(value, dtype)
            if problem:
                return f"{name}: {problem}"
    return None
