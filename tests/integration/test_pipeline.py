"""The Dagster pipeline end to end: assets materialized into a temporary DuckDB file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

import pipelines.shards
from pipelines.definitions import ALL_ASSETS, build_defs
from pipelines.resources import default_resources
from tests.conftest import FIXTURES, REPO, SEEDS

pytestmark = pytest.mark.integration


def materialize(seeds: Path, db: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(ALL_ASSETS, resources=default_resources(str(seeds), str(db)),
                          instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def query(db: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(sql).pl()


@pytest.fixture(scope="module")
def seeds_warehouse(tmp_path_factory):
    db = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    result = materialize(SEEDS, db)
    assert result.success
    return db, result


def test_seed_tables(seeds_warehouse):
    db, result = seeds_warehouse
    documents = query(db, "SELECT * FROM documents ORDER BY source_file")
    assert documents["source_file"].to_list() == sorted(p.name for p in SEEDS.iterdir())
    assert documents["format"].to_list() == ["markdown", "plain_text", "news", "blog", "plain_text"]
    assert documents["language"].to_list() == ["zh-Hans", "en", "zh-Hant", "zh-Hant", "en"]
    assert documents["title_language"].to_list() == ["zh-Hans", "zh-Hans", "zh-Hant", "zh-Hant", "zh-Hans"]
    facts = query(db, "SELECT * FROM numeric_facts")
    assert facts.height == 19
    assert set(facts["quantity_kind"]) == {"money", "percent", "people", "multiple"}
    assert query(db, "SELECT count(*) AS n FROM quarantine")["n"][0] == 0
    assert query(db, "SELECT count(*) AS n FROM fact_details")["n"][0] == 19
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)


def test_every_fact_span_is_its_text(seeds_warehouse):
    db, _ = seeds_warehouse
    rows = query(db, "SELECT f.text, f.start_char, f.end_char, d.body FROM numeric_facts f JOIN documents d USING (doc_id)")
    assert rows.height > 0
    for text, start, end, body in rows.iter_rows():
        assert body[start:end] == text


def test_rebuild_gives_identical_tables(seeds_warehouse, tmp_path):
    db, _ = seeds_warehouse
    again = tmp_path / "again.duckdb"
    assert materialize(SEEDS, again).success
    for table in ("documents", "numeric_facts", "quarantine", "entities", "fx_rates", "claims", "claim_facts"):
        assert query(db, f"SELECT * FROM {table} ORDER BY ALL").equals(query(again, f"SELECT * FROM {table} ORDER BY ALL"))


def test_new_files_and_bad_files(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(FIXTURES / "new_files", folder)
    for bad in (FIXTURES / "bad_files").iterdir():
        shutil.copy(bad, folder / bad.name)
    db = tmp_path / "w.duckdb"
    assert materialize(folder, db).success
    documents = query(db, "SELECT source_file, format FROM documents ORDER BY source_file").rows()
    assert documents == [("2026/blog_post.txt", "blog"), ("good_neighbour.txt", "plain_text"),
                         ("news_zht.txt", "news"), ("summary_en.txt", "plain_text"), ("zhihu_export.md", "markdown")]
    quarantine = dict(query(db, "SELECT source_file, reason FROM quarantine").rows())
    assert set(quarantine) == {"empty.txt", "blank_lines.txt", "chart.png", "broken_front_matter.md"}
    assert quarantine["chart.png"].startswith("binary file")
    assert quarantine["broken_front_matter.md"].startswith("broken front matter")
    facts = query(db, "SELECT d.source_file, f.quantity_kind, f.value, f.unit FROM numeric_facts f JOIN documents d USING (doc_id)")
    assert ("good_neighbour.txt", "money", 4.5e9, "USD") in facts.rows()
    assert ("zhihu_export.md", "money", 4.96e10, "USD") in facts.rows()
    assert ("2026/blog_post.txt", "money", 1.2e9, "USD") in facts.rows()


def test_failed_pandera_check_blocks_the_publish(tmp_path, monkeypatch):
    real = pipelines.shards.process_file

    def corrupt(root, policy, task):  # the shard steps process the seeds in their own process
        documents, *rest = real(root, policy, task)
        return [{**document, "language": "xx"} for document in documents], *rest

    monkeypatch.setattr(pipelines.shards, "process_file", corrupt)
    db = tmp_path / "w.duckdb"
    result = materialize(SEEDS, db)
    assert not result.success
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert [(c.asset_key.to_user_string(), c.check_name) for c in failed] == [("parsed_documents", "pandera_schema")]
    assert "language" in str(failed[0].metadata["summary"].value)
    assert not db.exists()


def test_definitions_load_with_schemas_and_descriptions():
    defs = build_defs(seeds_dir=str(SEEDS), duckdb_path="unused.duckdb")
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = sorted(k.to_user_string() for k in graph.get_all_asset_keys())
    assert keys == ["annual_fx_rates", "claim_facts", "claims", "documents", "entities", "extract_rejects",
                    "extracted_facts", "fx_rates", "known_entities", "numeric_facts", "parse_rejects",
                    "parsed_documents", "publishes", "quarantine", "raw_seed_files", "review_site"]
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description
        if key.to_user_string() != "review_site":  # a folder of pages, not a table
            assert "dagster/column_schema" in node.metadata


def test_cli_materialize_builds_the_warehouse(tmp_path):
    env = {**os.environ, "SEEDS_DIR": str(SEEDS), "DUCKDB_PATH": str(tmp_path / "cli.duckdb"),
           "DAGSTER_HOME": str(tmp_path)}
    dagster = Path(sys.executable).with_name("dagster")
    run = subprocess.run([str(dagster), "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert query(tmp_path / "cli.duckdb", "SELECT count(*) AS n FROM documents")["n"][0] == 5


def materializations(result: dg.ExecuteInProcessResult) -> dict[str, dict]:
    return {m.asset_key.to_user_string(): m.metadata for m in result.asset_materializations_for_node("publish_tables")}


def test_catalog_shows_the_published_totals_after_an_incremental_run(tmp_path):
    db = tmp_path / "w.duckdb"
    assert materialize(SEEDS, db).success
    again = materialize(SEEDS, db)  # nothing changed: the tables still hold everything
    assert again.success
    tables = materializations(again)
    assert tables["documents"]["dagster/row_count"].value == 5
    assert tables["numeric_facts"]["dagster/row_count"].value == 19
    assert tables["documents"]["made_this_run"].value == 0
    assert tables["documents"]["unchanged_files_carried_over"].value == 5
    by_kind = tables["numeric_facts"]["facts_by_kind_and_category"].value
    assert sum(r.data["facts"] for r in by_kind.records) == 19
    assert [c.name for c in by_kind.schema.columns] == ["quantity_kind", "category", "unit", "facts", "documents"]
    assert len(tables["documents"]["documents_preview"].value.records) == 5
    by_metric = tables["numeric_facts"]["facts_by_metric"].value
    assert sum(r.data["facts"] for r in by_metric.records) == 19
    assert [c.name for c in by_metric.schema.columns][:4] == ["quantity_kind", "category", "metric", "facts"]
    assert tables["entities"]["dagster/row_count"].value == tables["entities"]["made_this_run"].value > 100
    assert tables["fx_rates"]["dagster/row_count"].value > 100
    assert "fx_rates_by_currency" in tables["fx_rates"] and "entities_by_type" in tables["entities"]
    graph = build_defs(seeds_dir=str(SEEDS), duckdb_path=str(db)).resolve_asset_graph()
    for table in ("documents", "numeric_facts", "quarantine", "entities", "fx_rates", "claims", "claim_facts"):
        node = graph.get(dg.AssetKey(table))
        assert node.metadata["dagster/table_name"] == f"warehouse.main.{table}"
        assert node.owners == ["team:chipfacts"]
        assert not node.pools  # publishes take turns by the warehouse's lock: a pool slot outlives a killed run
    raw = again.asset_materializations_for_node("raw_seed_files")[0].metadata
    assert raw["unchanged"].value == 5 and raw["files_hashed_items"].value == 5


def test_loading_the_code_location_raises_no_beta_warning():
    run = subprocess.run([sys.executable, "-W", "error::dagster.BetaWarning", "-c", "import pipelines.definitions"],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]


ISSUE_ENTITIES = {
    "United States", "China", "Taiwan", "Japan", "South Korea", "Netherlands", "Germany", "European Union",
    "Hong Kong", "Singapore", "Malaysia", "India", "Vietnam", "Russia", "Israel", "Australia", "Nvidia", "AMD",
    "Intel", "TSMC", "Samsung Electronics", "SK Hynix", "Micron Technology", "ASML Holding", "Tokyo Electron",
    "Applied Materials", "Lam Research", "KLA Corporation", "Huawei", "SMIC",
}


def test_money_facts_have_us_dollar_values(seeds_warehouse):
    db, _ = seeds_warehouse
    money = query(db, "SELECT unit, value, value_high, value_usd, value_high_usd, fx_rate_date, year, "
                      "extract(year FROM fx_rate_date) AS rate_year FROM numeric_facts WHERE quantity_kind = 'money'")
    assert money.height > 0 and money["value_usd"].null_count() == 0 and money["value_high_usd"].null_count() == 0
    assert set(money["unit"]) >= {"USD", "CNY", "KRW"}
    usd = money.filter(pl.col("unit") == "USD")
    assert usd["value_usd"].to_list() == usd["value"].to_list() and usd["fx_rate_date"].null_count() == usd.height
    other = money.filter(pl.col("unit") != "USD")
    assert other["fx_rate_date"].null_count() == 0
    # each conversion uses the fx_rates row it names
    joined = query(db, "SELECT f.value_usd, f.value * r.usd_per_unit AS expected FROM numeric_facts f "
                       "JOIN fx_rates r ON r.currency = f.unit AND r.rate_date = f.fx_rate_date")
    assert joined.height == other.height
    for got, expected in joined.iter_rows():
        assert got == pytest.approx(expected, rel=1e-12)
    # the fact's own year when it names one that has a rate
    dated = other.filter(pl.col("year").is_not_null())
    assert (dated["rate_year"] == dated["year"]).all()
    others = query(db, "SELECT value_usd FROM numeric_facts WHERE quantity_kind <> 'money'")
    assert others["value_usd"].null_count() == others.height


def test_entities_fx_rates_and_subjects(seeds_warehouse):
    db, _ = seeds_warehouse
    entities = query(db, "SELECT * FROM entities")
    assert ISSUE_ENTITIES <= set(entities["name"]), ISSUE_ENTITIES - set(entities["name"])
    china = entities.filter(pl.col("name") == "China").row(0, named=True)
    assert china["type"] == "country" and china["iso_code"] == "CN" and "中国" in china["aliases_zh_hans"]
    orphans = query(db, "SELECT subject FROM numeric_facts WHERE subject IS NOT NULL "
                        "AND subject NOT IN (SELECT name FROM entities)")
    assert orphans.is_empty()
    assert query(db, "SELECT count(subject) AS n FROM numeric_facts")["n"][0] > 0
    rates = query(db, "SELECT currency, year, usd_per_unit, days FROM fx_rates")
    assert {"CNY", "KRW", "JPY", "EUR", "TWD"} <= set(rates["currency"])
    twd = rates.filter((pl.col("currency") == "TWD") & (pl.col("year") == 2024)).row(0, named=True)
    assert twd["usd_per_unit"] == pytest.approx(1 / 32.112) and twd["days"] is None
    details = query(db, "SELECT subject, metric, topic, value_usd, fx_rate_date, subject_text, metric_cue "
                        "FROM fact_details")
    assert details.height == 19 and details["metric"].null_count() == 0


def test_evidence_spans_are_body_text(seeds_warehouse):
    db, _ = seeds_warehouse
    rows = query(db, "SELECT d.body, f.subject_text, f.subject_start, f.subject_end, f.metric_cue, "
                     "f.metric_cue_start, f.metric_cue_end FROM numeric_facts f JOIN documents d USING (doc_id)")
    seen = 0
    for body, subject, s_start, s_end, cue, c_start, c_end in rows.iter_rows():
        for text, start, end in ((subject, s_start, s_end), (cue, c_start, c_end)):
            if text is not None:
                assert body[start:end] == text
                seen += 1
    assert seen > 0


def test_reference_assets_are_checked_by_their_models(seeds_warehouse):
    _, result = seeds_warehouse
    checks = {(c.asset_key.to_user_string(), c.check_name): c for c in result.get_asset_check_evaluations()}
    assert checks[("known_entities", "pandera_schema")].passed
    assert checks[("annual_fx_rates", "pandera_schema")].passed
    assert checks[("numeric_facts", "fact_subjects_are_entities")].passed
    warning = checks[("numeric_facts", "money_without_usd")]
    assert warning.passed and warning.severity == dg.AssetCheckSeverity.WARN


def test_money_without_a_rate_is_a_warning_not_a_failure(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    (folder / "naira.txt").write_text("Lagos Chip Weekly\n\nNigeria spent ₦50 billion on imported chips in 2024, "
                                      "the trade ministry said.\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    result = materialize(folder, db)
    assert result.success  # published despite the warning
    naira = query(db, "SELECT value, value_usd, fx_rate_date FROM numeric_facts WHERE unit = 'NGN'")
    assert naira.rows() == [(5e10, None, None)]
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    warning = checks["money_without_usd"]
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert warning.metadata["offending_rows"].value == 1
    assert warning.metadata["by_currency"].value == "NGN 1"
    assert all(c.passed for name, c in checks.items() if name != "money_without_usd")
