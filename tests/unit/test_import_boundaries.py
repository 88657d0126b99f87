"""The pure core (ingest, extract, schema, warehouse, hops) never imports Dagster."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

PURE = ["pipelines/ingest", "pipelines/extract", "pipelines/schema", "pipelines/warehouse", "pipelines/vocabulary",
        "pipelines/fx", "pipelines/hops.py"]


def _modules():
    for entry in PURE:
        path = REPO / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: str(p.relative_to(REPO)))
def test_no_dagster_import(path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        assert not any(n == "dagster" or n.startswith("dagster.") or n.startswith("dagster_") for n in names)
