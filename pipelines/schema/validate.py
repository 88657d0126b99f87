"""Validate a frame against its Pandera model and report what failed, without raising.

Dagster-free so that tests and scripts use it directly; ``pipelines/checks.py`` turns the
report into an asset-check result.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.errors
import pandera.polars as pa
import polars as pl

from pipelines.schema.frames import polars_schema

MAX_REPORTED_FAILURES = 20


@dataclass(frozen=True)
class ValidationReport:
    model: str
    rows: int
    failures: pl.DataFrame  # pandera's failure cases: column, check, failure_case, index

    @property
    def passed(self) -> bool:
        return self.failures.height == 0

    def summary(self) -> str:
        if self.passed:
            return f"{self.model}: {self.rows} rows valid"
        checks = self.failures.group_by("column", "check").len().sort("len", descending=True)
        parts = [f"{r['column']}.{r['check']} ({r['len']} rows)" for r in checks.iter_rows(named=True)]
        return f"{self.model}: {self.failures.height} failures in {self.rows} rows: " + "; ".join(parts)

    def failure_table(self) -> str:
        """The first failures as a Markdown table (row index, column, check, value)."""
        head = self.failures.head(MAX_REPORTED_FAILURES)
        lines = ["| row | column | check | value |", "|---|---|---|---|"]
        for r in head.iter_rows(named=True):
            value = str(r.get("failure_case"))[:120].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {r.get('index')} | {r.get('column')} | {r.get('check')} | {value} |")
        return "\n".join(lines)


_FAILURE_COLUMNS = ("column", "check", "failure_case", "index")


def _failure_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    schema = {name: pl.String for name in _FAILURE_COLUMNS}
    return pl.DataFrame([{k: None if r.get(k) is None else str(r.get(k)) for k in schema} for r in rows], schema=schema)


def validate_frame(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> ValidationReport:
    """Run every check of the model (lazily, all at once) and collect the failures."""
    expected = list(model.to_schema().columns)
    missing = [c for c in expected if c not in frame.columns]
    extra = [c for c in frame.columns if c not in expected]
    if missing or extra:  # row checks cannot run on the wrong columns: report the columns
        rows = [{"column": c, "check": "column_present", "failure_case": "missing"} for c in missing]
        rows += [{"column": c, "check": "column_known", "failure_case": "unexpected"} for c in extra]
        return ValidationReport(model.__name__, frame.height, _failure_frame(rows))
    if frame.is_empty():
        # No rows for the row checks: the schema is all there is to check (and it is checked).
        wrong = [{"column": name, "check": f"dtype('{dtype}')", "failure_case": str(frame.schema[name])}
                 for name, dtype in polars_schema(model).items() if frame.schema[name] != dtype]
        return ValidationReport(model.__name__, 0, _failure_frame(wrong))
    try:
        model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        rows = cases.to_dicts() if isinstance(cases, pl.DataFrame) else list(cases.to_dict("records"))
        return ValidationReport(model.__name__, frame.height, _failure_frame(rows))
    except pandera.errors.SchemaError as exc:  # raised before lazy collection, e.g. a missing column
        row = {"column": getattr(exc, "column_name", None), "check": exc.check, "failure_case": str(exc)}
        return ValidationReport(model.__name__, frame.height, _failure_frame([row]))
    return ValidationReport(model.__name__, frame.height, _failure_frame([]))
