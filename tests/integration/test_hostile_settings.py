"""Settings that point the pipeline at the user's own things, through `dagster asset materialize`
as users run it: a DuckDB database of theirs as DUCKDB_PATH, a folder of theirs as REVIEW_DIR,
the seeds folder itself as REVIEW_DIR or as the warehouse's folder, a warehouse row edited by
a client. Every one is refused or made safe, and the user's files and databases are untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SEEDS
from tests.readme import readme_command, run_in, sandbox

pytestmark = pytest.mark.integration


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def checkout(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return sandbox(tmp_path / "checkout"), seeds


def build(checkout: Path, **env: str):
    run = run_in(checkout, readme_command("build-seeds"), **env)
    return run, run.stdout + run.stderr


def test_a_database_of_the_user_s_as_duckdb_path_is_refused_untouched(checkout, tmp_path):
    folder, seeds = checkout
    mine = tmp_path / "sales.duckdb"
    with duckdb.connect(str(mine)) as con:
        con.execute("CREATE TABLE my_sales AS SELECT 1 AS id, 99.5 AS amount")
    before = mine.read_bytes()
    run, output = build(folder, SEEDS_DIR=str(seeds), DUCKDB_PATH=str(mine))
    assert run.returncode != 0
    assert f"refused: DUCKDB_PATH {mine} is a DuckDB database this pipeline did not write (its tables: my_sales)" \
        in output
    assert mine.read_bytes() == before
    assert not (tmp_path / "sales.review").exists()


def test_a_folder_of_the_user_s_as_review_dir_is_refused_untouched(checkout, tmp_path):
    folder, seeds = checkout
    mine = tmp_path / "my_site"
    mine.mkdir()
    (mine / "index.html").write_text("<p>my page</p>")
    (mine / "review.css").write_text("body {}")
    before = snapshot(mine)
    run, output = build(folder, SEEDS_DIR=str(seeds), REVIEW_DIR=str(mine))
    assert run.returncode != 0
    assert f"REVIEW_DIR {mine} holds files the review site did not write (index.html, review.css)" in output
    assert snapshot(mine) == before


@pytest.mark.parametrize("where", ["REVIEW_DIR", "DUCKDB_PATH", "STAGING_DIR"])
def test_no_output_of_the_pipeline_may_be_inside_the_seeds_folder(checkout, where):
    folder, seeds = checkout
    before = snapshot(seeds)
    env = {"REVIEW_DIR": {"REVIEW_DIR": str(seeds)}, "DUCKDB_PATH": {"DUCKDB_PATH": str(seeds / "w.duckdb")},
           "STAGING_DIR": {"STAGING_DIR": str(seeds / "staging")}}[where]
    for _ in range(2):  # the second run would ingest what the first wrote there
        run, output = build(folder, SEEDS_DIR=str(seeds), **env)
        assert run.returncode != 0
        assert f"is inside SEEDS_DIR {seeds}: the next run would read it as articles" in output
        assert snapshot(seeds) == before


def test_an_edited_row_never_leads_a_page_out_of_the_site(checkout, tmp_path):
    """A client rewrites a document's id into a path (`../../../x`): the next run makes the rows
    anew from the folder, and no page is ever written outside the site."""
    folder, seeds = checkout
    run, _ = build(folder, SEEDS_DIR=str(seeds))
    assert run.returncode == 0, run.stderr[-2000:]
    db = folder / "data" / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        [(doc_id,)] = con.execute("SELECT doc_id FROM documents ORDER BY source_file LIMIT 1").fetchall()
        for table in ("claim_facts", "numeric_facts"):
            con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
        con.execute("UPDATE documents SET doc_id = '../../../../../x' WHERE doc_id = ?", [doc_id])
    run, _ = build(folder, SEEDS_DIR=str(seeds))
    assert run.returncode == 0, run.stderr[-2000:]
    with duckdb.connect(str(db), read_only=True) as con:
        ids = [row[0] for row in con.execute("SELECT doc_id FROM documents").fetchall()]
    assert doc_id in ids and all(len(i) == 16 for i in ids)
    assert not list(tmp_path.rglob("x.html"))
