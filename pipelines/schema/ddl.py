"""Render DuckDB DDL from the Pandera models; ``python -m pipelines.schema.ddl --write``
regenerates ``sql/ddl/<table>.sql`` (committed, so reviewers and BI see the contract).

One type map from polars to DuckDB lives here; nothing else spells a column type.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandera.polars as pa

from pipelines.schema.tables import DERIVED_MODELS, PUBLISHED_MODELS, REFERENCE_MODELS, STATE_MODELS

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
DDL_DIR = SQL_DIR / "ddl"
VIEWS_DIR = SQL_DIR / "views"

DUCKDB_TYPES = {
    "String": "VARCHAR",
    "Int64": "BIGINT",
    "Int32": "INTEGER",
    "Float64": "DOUBLE",
    "Boolean": "BOOLEAN",
    "Binary": "BLOB",
    "Date": "DATE",
}


def duckdb_type(dtype: object) -> str:
    name = str(dtype)
    if name.startswith("Datetime"):
        return "TIMESTAMP"
    if name.startswith("List(") and name.endswith(")"):
        return duckdb_type(name[5:-1]) + "[]"
    try:
        return DUCKDB_TYPES[name]
    except KeyError:
        raise TypeError(f"no DuckDB type for polars dtype {name}") from None


def table_metadata(model: type[pa.DataFrameModel]) -> dict:
    return model.get_metadata()[model.__name__]["dataframe"]


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def render_ddl(model: type[pa.DataFrameModel]) -> str:
    """CREATE TABLE plus column comments for one published model."""
    meta = table_metadata(model)
    table = meta["table"]
    schema = model.to_schema()
    lines = []
    for name, column in schema.columns.items():
        parts = [f"    {name} {duckdb_type(column.dtype)}"]
        if not column.nullable:
            parts.append("NOT NULL")
        references = (column.metadata or {}).get("references")
        if references:
            ref_table, ref_column = references.split(".")
            parts.append(f"REFERENCES {ref_table} ({ref_column})")
        lines.append(" ".join(parts))
    lines.append(f"    PRIMARY KEY ({', '.join(meta['primary_key'])})")
    out = [f"-- Generated from pipelines/schema/tables.py::{model.__name__} by `python -m pipelines.schema.ddl --write`.",
           "-- Do not edit by hand: change the Pandera model and regenerate.",
           f"CREATE TABLE {table} (", ",\n".join(lines), ");"]
    if model.__doc__:
        out.append(f"COMMENT ON TABLE {table} IS {_sql_string(' '.join(model.__doc__.split()))};")
    for name, column in schema.columns.items():
        if column.description:
            out.append(f"COMMENT ON COLUMN {table}.{name} IS {_sql_string(column.description)};")
    return "\n".join(out) + "\n"


def ddl_files() -> dict[Path, str]:
    """The DDL file of every published table, in load order (documents before facts)."""
    return {DDL_DIR / f"{table_metadata(m)['table']}.sql": render_ddl(m) for m in PUBLISHED_MODELS}


def column_descriptions() -> dict[str, str]:
    """Column name -> description over the published models; a name in several tables keeps
    the description of the last model (numeric_facts: a view's fact columns are its subject).
    The reference, derived and state tables (entities, fx_rates, claims, publishes) come first: their ``year``
    or ``value_high`` mean something else than a fact's, and views over them alias such columns."""
    out: dict[str, str] = {}
    for model in sorted(PUBLISHED_MODELS, key=lambda m: m not in (*REFERENCE_MODELS, *DERIVED_MODELS, *STATE_MODELS)):
        out.update({name: c.description for name, c in model.to_schema().columns.items() if c.description})
    return out


_VIEW_COLUMN = re.compile(r"^-- column (\w+): (.+)$", re.MULTILINE)
_VIEW_COMMENT = re.compile(r"^-- view: (.+)$", re.MULTILINE)


def view_comment(view: str, sql: str) -> str:
    """COMMENT ON VIEW from the view file's ``-- view: text`` line (every view has one)."""
    match = _VIEW_COMMENT.search(sql)
    if match is None:
        raise ValueError(f"sql/views/{view}.sql lacks its '-- view: <what a row is>' line")
    return f"COMMENT ON VIEW {view} IS {_sql_string(match.group(1))};"


def view_comments(view: str, columns: list[str], sql: str = "") -> list[str]:
    """COMMENT ON COLUMN statements for a view's columns, from the models' descriptions: a
    view's column named like a published column means what the model says; one it makes
    itself (a pair's ``value_a``) is described by a ``-- column name: text`` line in its file."""
    described = column_descriptions() | dict(_VIEW_COLUMN.findall(sql))
    missing = [c for c in columns if c not in described]
    if missing:
        raise ValueError(f"view {view} has columns no published model describes: {missing}")
    return [f"COMMENT ON COLUMN {view}.{c} IS {_sql_string(described[c])};" for c in columns]


def create_schema(con) -> None:
    """Create the published tables, then the views of ``sql/views`` with column comments."""
    for ddl in ddl_files().values():
        con.execute(ddl)
    for path in sorted(VIEWS_DIR.glob("*.sql")):
        sql = path.read_text("utf-8")
        con.execute(sql)
        columns = [row[0] for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [path.stem]
        ).fetchall()]
        for statement in [view_comment(path.stem, sql), *view_comments(path.stem, columns, sql)]:
            con.execute(statement)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write sql/ddl/*.sql (default: print)")
    args = parser.parse_args(argv)
    for path, text in ddl_files().items():
        if args.write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(SQL_DIR.parent)}")
        else:
            sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
