"""The published warehouse opened by the clients BI tools use, not by this project's duckdb 2.0:
the DuckDB CLI 1.x and SQLAlchemy through duckdb-engine (Superset and others), each from
tests/bi_clients/requirements.lock in an environment of its own."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.bi_clients.env import bi_env
from tests.readme import readme_command, readme_sql, run_in, sandbox

pytestmark = pytest.mark.integration

SQLALCHEMY_PROBE = """
import json, sys
import sqlalchemy as sa
engine = sa.create_engine(f"duckdb:///{sys.argv[1]}", connect_args={"read_only": True})
inspector = sa.inspect(engine)
out = {"tables": inspector.get_table_names(), "views": inspector.get_view_names(), "comments": {}}
for name in out["tables"] + out["views"]:
    out["comments"][name] = {c["name"]: c.get("comment") for c in inspector.get_columns(name)}
out["foreign_keys"] = [fk["referred_table"] for fk in inspector.get_foreign_keys("numeric_facts")]
with engine.connect() as con:
    out["facts"] = con.execute(sa.text("SELECT count(*) FROM numeric_facts")).scalar()
    out["example_rows"] = len(con.execute(sa.text(sys.argv[2])).fetchall())
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The seeds built by the README's build command in a sandbox; the BI environment."""
    folder = sandbox(tmp_path_factory.mktemp("bi") / "checkout")
    run = run_in(folder, readme_command("build-seeds"), DAGSTER_HOME=str(folder / ".dagster_home"))
    assert run.returncode == 0, run.stderr[-3000:]
    return folder, bi_env()


def test_duckdb_cli_1x_reads_the_warehouse(built):
    folder, env = built
    cli = env / "bin" / "duckdb"
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1.")
    count = subprocess.run([str(cli), "-readonly", "-csv", "-noheader", "data/warehouse.duckdb", "-c",
                            "SELECT count(*) FROM numeric_facts"], cwd=folder, capture_output=True, text=True)
    assert count.returncode == 0, count.stderr
    assert int(count.stdout.strip()) == 19
    # The README's CLI command (its `duckdb` is this client) and its example query.
    readme = run_in(folder, readme_command("duckdb-cli"), PATH=f"{env / 'bin'}:/usr/bin:/bin")
    assert readme.returncode == 0, readme.stderr
    assert "market_size" in readme.stdout
    example = subprocess.run([str(cli), "-readonly", "-csv", "data/warehouse.duckdb", "-c", readme_sql("example")],
                             cwd=folder, capture_output=True, text=True)
    assert example.returncode == 0, example.stderr
    assert len(example.stdout.strip().splitlines()) == 1 + 19  # header and every fact


def test_sqlalchemy_duckdb_engine_lists_tables_views_and_comments(built):
    folder, env = built
    probe = subprocess.run([str(env / "bin" / "python"), "-c", SQLALCHEMY_PROBE, str(folder / "data/warehouse.duckdb"),
                            readme_sql("example")], capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr[-3000:]
    seen = json.loads(probe.stdout)
    assert sorted(seen["tables"]) == ["claim_facts", "claims", "documents", "entities", "fx_rates", "numeric_facts",
                                      "publishes", "quarantine"]
    assert sorted(seen["views"]) == ["claim_conflicts", "claim_timeline", "fact_details"]
    assert {"subject", "metric", "topic", "value_usd", "fx_rate_date", "metric_cue_end"} <= set(
        seen["comments"]["fact_details"])
    assert {"aliases_en", "aliases_zh_hans", "aliases_zh_hant"} <= set(seen["comments"]["entities"])  # VARCHAR[]
    for name, comments in seen["comments"].items():
        assert comments and all(comments.values()), f"{name} has columns without a comment: {comments}"
    assert {"url", "author"} <= set(seen["comments"]["fact_details"])
    assert seen["foreign_keys"] == ["documents"]
    assert seen["facts"] == 19 and seen["example_rows"] == 19


def test_the_readme_python_query_runs(built):
    folder, _ = built
    run = run_in(folder, readme_command("query-python"))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "market_size" in run.stdout


def test_the_readme_export_writes_every_fact_to_parquet(built):
    folder, _ = built
    run = run_in(folder, readme_command("export-parquet"))
    assert run.returncode == 0, run.stderr[-3000:]
    import polars as pl

    exported = pl.read_parquet(folder / "facts.parquet")
    assert exported.height == 19 and {"fact_id", "title", "subject", "value_usd"} <= set(exported.columns)
