"""The suite never reads the working folder's ``seeds/``: a user adds articles there, and the
tests must not change with them. The tests that use the seed documents run in a copy of the
repository whose ``seeds/`` holds three more articles, and pass."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, REPO

pytestmark = pytest.mark.integration

# What a clean clone holds that the tests need (data/, .venv and caches are not copied).
_TREE = ("pipelines", "assets", "sql", "tests", "seeds", "pyproject.toml", "README.md", "workspace.yaml",
         ".dagster_home")
# Tests that build from the seed documents, through the engine, the in-process pipeline and the CLI.
_SEED_TESTS = ["tests/unit/test_seeds_gold.py", "tests/unit/test_ingest.py",
               "tests/integration/test_pipeline.py::test_cli_materialize_builds_the_warehouse"]


def test_tests_pass_with_more_articles_in_the_working_seeds_folder(tmp_path):
    checkout = tmp_path / "checkout"
    for name in _TREE:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=shutil.ignore_patterns("__pycache__", "*.duckdb*"))
        else:
            shutil.copy(source, checkout / name)
    for article in sorted(p for p in (FIXTURES / "new_files").rglob("*") if p.is_file())[:3]:  # a user's
        shutil.copy(article, checkout / "seeds" / f"user_{article.name}")
    assert len(list((checkout / "seeds").iterdir())) == 8
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", "-rfE",
                          *_SEED_TESTS], cwd=checkout, capture_output=True, text=True, timeout=600)
    failed = [line for line in run.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    assert run.returncode == 0, "\n".join(failed) or run.stdout[-3000:] + run.stderr[-2000:]
