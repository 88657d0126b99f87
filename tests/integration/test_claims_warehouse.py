"""Claims in the published warehouse (GUIDELINES.md "Claims"): the seeds' cross-language
pair, and a folder written for the test with known corroborations and conflicts."""

from __future__ import annotations

import csv

import duckdb
import pytest

from tests.conftest import FIXTURES, SEEDS
from tests.integration.reingest_helpers import run_without_dagster
from tests.readme import readme_sql

pytestmark = pytest.mark.integration

CLAIMS = FIXTURES / "claims"
KEY = "subject, metric, aspect, topic, unit, year"


def _claims(db, where: str = "documents > 1") -> dict[tuple, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f"SELECT {KEY}, facts, documents, languages, status FROM claims WHERE {where}").fetchall()
    return {tuple(row[:6]): tuple(row[6:]) for row in rows}


def test_seeds_state_china_s_rare_earth_shares_in_two_languages(tmp_path):
    db = tmp_path / "w.duckdb"
    run_without_dagster(SEEDS, db)
    claims = _claims(db)
    # 中國供應了全球60%的稀土礦物 (003, zh-Hant) and "60% of global rare earth production" (004, en)
    assert claims[("China", "supply_share", "production", "rare_earths", "%", None)] == (2, 2, 2, "corroborated")
    # 超過85%的稀土加工 and "90% of refining capacity": over 85 and 90 meet
    assert claims[("China", "supply_share", "processing", "rare_earths", "%", None)] == (2, 2, 2, "corroborated")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM claim_conflicts").fetchone() == (0,)
        files = con.execute("""SELECT DISTINCT d.source_file FROM claims c JOIN claim_facts USING (claim_id)
                               JOIN documents d USING (doc_id) WHERE c.aspect = 'production'""").fetchall()
    assert sorted(f for (f,) in files) == ["003_f582c57dff3ceabf.txt", "004_7d2a4009a2efbe1b.txt"]


def test_a_folder_written_for_the_test_gets_every_status_right(tmp_path):
    db = tmp_path / "w.duckdb"
    run_without_dagster(CLAIMS / "docs", db)
    with (CLAIMS / "expected.csv").open(encoding="utf-8") as handle:
        expected = {(r["subject"], r["metric"], r["aspect"] or None, r["topic"] or None, r["unit"],
                     int(r["year"]) if r["year"] else None):
                    (int(r["facts"]), int(r["documents"]), int(r["languages"]), r["status"])
                    for r in csv.DictReader(handle)}
    assert _claims(db) == expected
    assert set(_claims(db, "documents = 1").values()) <= {(1, 1, 1, "single")}
    with duckdb.connect(str(db), read_only=True) as con:
        pairs = con.execute("""SELECT subject, text_a, text_b FROM claim_conflicts
                               ORDER BY subject, text_a, text_b""").fetchall()
        timeline = con.execute("""SELECT count(*) FROM claim_timeline WHERE subject = 'China'
                                  AND aspect = 'production'""").fetchone()
        listed = con.execute(readme_sql("conflicts")).fetchall()  # the README's query
    # SK Hynix: "up to 60%" and "50%" (one document) each against 70%; TSMC 900亿 vs 700億. Tokyo
    # Electron's growth, 20% vs 35%, stands alone: what grew is not recorded (GUIDELINES "Claims")
    assert [p[0] for p in pairs] == ["SK Hynix", "SK Hynix", "TSMC"]
    assert [(row[0], row[5], row[8]) for row in listed] == [("SK Hynix", 50.0, 70.0), ("SK Hynix", 60.0, 70.0),
                                                            ("TSMC", 9e10, 7e10)]
    assert timeline == (3,)
