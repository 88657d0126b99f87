"""Build polars frames that match a Pandera model, including empty ones.

The column order and dtypes come from the model, so an empty hop (no files, no facts)
still has the right schema downstream and in DuckDB.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Mapping

import pandera.polars as pa
import polars as pl

_INTEGER_RANGES = {pl.Int64: (-(2**63), 2**63 - 1), pl.Int32: (-(2**31), 2**31 - 1)}


def polars_schema(model: type[pa.DataFrameModel]) -> dict[str, pl.DataType]:
    return {name: column.dtype.type for name, column in model.to_schema().columns.items()}


def frame_from_rows(model: type[pa.DataFrameModel], rows: Iterable[Mapping[str, object]]) -> pl.DataFrame:
    """A frame with exactly the model's columns, in its order; missing keys become null and
    keys the model does not have are left out."""
    schema = polars_schema(model)
    rows = rows if isinstance(rows, list) else list(rows)
    return pl.from_dicts(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def _integer_check(dtype: pl.DataType) -> Callable[[object], str | None]:
    low, high = _INTEGER_RANGES[dtype]

    def check(value: object) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            return f"{str(value)[:40]} does not fit a {dtype} column"
        return None
    return check


def _float_problem(value: object) -> str | None:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return f"{str(value)[:40]} is not a finite number"
    return None


def _text_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"a {type(value).__name__} is not text"
    if not value.isascii():  # only non-ASCII text can hold a lone surrogate
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "text that is not valid Unicode"
    return None


def _bytes_problem(value: object) -> str | None:
    return None if isinstance(value, bytes) else f"a {type(value).__name__} is not bytes"


def _timestamp_problem(value: object) -> str | None:
    return None if isinstance(value, dt.datetime) else f"a {type(value).__name__} is not a timestamp"


def _value_check(dtype: pl.DataType) -> Callable[[object], str | None] | None:
    if dtype in _INTEGER_RANGES:
        return _integer_check(dtype)
    if dtype == pl.Float64:
        return _float_problem
    if dtype == pl.String:
        return _text_problem
    if dtype == pl.Binary:
        return _bytes_problem
    if isinstance(dtype, pl.Datetime):
        return _timestamp_problem
    return None


@functools.cache
def _row_checks(model: type[pa.DataFrameModel]) -> tuple[tuple[str, Callable[[object], str | None]], ...]:
    """Each checked column of the model with its value check, made once per model: a row is
    checked per fact, and comparing polars dtypes per value cost more than the checks."""
    checks = ((name, _value_check(dtype)) for name, dtype in polars_schema(model).items())
    return tuple((name, check) for name, check in checks if check is not None)


def row_problem(model: type[pa.DataFrameModel], row: Mapping[str, object]) -> str | None:
    """Why ``row`` cannot be a row of the model's frame (a value that does not fit its
    column's type), or None. Checked per file, so one bad value quarantines that file
    instead of failing the frame of every file at once."""
    for name, check in _row_checks(model):
        value = row.get(name)
        if value is not None and (problem := check(value)):
            return f"{name}: {problem}"
    return None
