"""The Pandera models are the one source of the tables: DDL drift, SQL that runs, checks that bite."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from pipelines.schema.ddl import DDL_DIR, create_schema, ddl_files, render_ddl, table_metadata
from pipelines.schema.frames import frame_from_rows
from pipelines.schema.tables import PUBLISHED_MODELS, Documents, Entities, FxRates, NumericFacts, Quarantine
from pipelines.schema.validate import validate_frame
from pipelines.warehouse.publish import CHECKS_DIR, SUMMARIES_DIR

GOOD_FACT = {
    "fact_id": "0123456789abcdef", "doc_id": "fedcba9876543210", "quantity_kind": "money", "value": 1e9,
    "value_high": 1e9, "unit": "USD", "category": "investment", "qualifier": "exact", "year": 2025,
    "text": "10亿美元", "start_char": 3, "end_char": 8, "sentence": "将投资10亿美元。", "extractor_version": "t",
    "subject": "Intel", "metric": "investment", "topic": "semiconductors", "value_usd": 1e9, "value_high_usd": 1e9,
    "fx_rate_date": None, "subject_text": "英特尔", "subject_start": 0, "subject_end": 3,
    "metric_cue": "投资", "metric_cue_start": 4, "metric_cue_end": 6,
}
GOOD_KRW_FACT = {**GOOD_FACT, "fact_id": "00000000000000aa", "unit": "KRW", "value_usd": 7.66e5, "value_high_usd": 7.66e5,
                 "fx_rate_date": dt.date(2023, 12, 29)}
GOOD_ENTITY = {"name": "Samsung Electronics", "type": "company", "iso_code": None,
               "aliases_en": ["Samsung Electronics", "Samsung"], "aliases_zh_hans": ["三星电子"],
               "aliases_zh_hant": ["三星電子"]}
GOOD_RATE = {"currency": "CNY", "year": 2023, "usd_per_unit": 0.1412, "rate_date": dt.date(2023, 12, 29),
             "days": 255, "source": "ECB"}


def test_committed_ddl_matches_the_models():
    for path, text in ddl_files().items():
        assert path.exists(), f"{path} missing: run python -m pipelines.schema.ddl --write"
        assert path.read_text("utf-8") == text, f"{path.name} drifted from the Pandera model: regenerate it"
    assert sorted(p.name for p in DDL_DIR.glob("*.sql")) == sorted(p.name for p in ddl_files())


def test_ddl_views_and_checks_execute_and_agree_with_models():
    con = duckdb.connect()
    create_schema(con)
    for check in CHECKS_DIR.glob("*.sql"):
        assert con.sql(check.read_text("utf-8")).fetchall() == []
    for summary in SUMMARIES_DIR.glob("*.sql"):
        con.sql(summary.read_text("utf-8")).fetchall()
    for model in PUBLISHED_MODELS:
        table = table_metadata(model)["table"]
        described = [row[0] for row in con.sql(f"DESCRIBE {table}").fetchall()]
        assert described == list(model.to_schema().columns), table


def test_every_check_and_summary_names_a_published_table():
    from pipelines.warehouse.publish import check_tables, checked_table, sql_summaries

    tables = {table_metadata(m)["table"] for m in PUBLISHED_MODELS}
    assert set(check_tables().values()) <= tables
    assert all(checked_table(sql) in tables for sql in sql_summaries().values())


def test_every_view_column_has_a_comment():
    con = duckdb.connect()
    create_schema(con)
    rows = con.sql("SELECT c.table_name, c.column_name, c.comment FROM duckdb_columns() c "
                   "JOIN duckdb_views() v ON v.view_name = c.table_name WHERE NOT v.internal").fetchall()
    assert {"url", "author"} <= {column for view, column, _ in rows if view == "fact_details"}
    assert rows and all(comment for _, _, comment in rows), [r for r in rows if not r[2]]
    views = con.sql("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
    assert [name for name, _ in views] == ["claim_conflicts", "claim_timeline", "fact_details"]
    assert all(comment for _, comment in views), views  # what one row of the view is, for BI tools


def test_ddl_declares_keys():
    ddl = render_ddl(NumericFacts)
    assert "PRIMARY KEY (fact_id)" in ddl and "REFERENCES documents (doc_id)" in ddl


def test_good_fact_validates():
    assert validate_frame(NumericFacts, frame_from_rows(NumericFacts, [GOOD_FACT, GOOD_KRW_FACT])).passed


def test_fact_without_subject_topic_evidence_or_usd_validates():
    bare = {**GOOD_FACT, "unit": "XAF", "subject": None, "topic": None, "value_usd": None, "value_high_usd": None,
            "subject_text": None, "subject_start": None, "subject_end": None,
            "metric_cue": None, "metric_cue_start": None, "metric_cue_end": None}
    assert validate_frame(NumericFacts, frame_from_rows(NumericFacts, [bare])).passed


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"quantity_kind": "count"}, "isin"),
        ({"unit": "usd"}, "unit must fit quantity_kind"),
        ({"category": "growth_rate"}, "category must be one of"),
        ({"value_high": 1.0}, "value_high must not be below value"),
        ({"end_char": 20}, "must equal the length of text"),
        ({"qualifier": "maybe"}, "isin"),
        ({"metric": "market_size_x"}, "isin"),
        ({"metric": "headcount"}, "metric must be a metric of quantity_kind"),
        ({"metric": "revenue"}, "category its roll-up"),  # revenue rolls up to revenue, not investment
        ({"topic": "bananas"}, "isin"),
        ({"quantity_kind": "percent", "unit": "%", "metric": "share", "category": "share"}, "for money only"),
        ({"value_high_usd": None}, "both or neither"),
        ({"value_high_usd": 1.0}, "finite and ordered"),
        ({"fx_rate_date": dt.date(2024, 12, 31)}, "fx_rate_date only with a value_usd"),
        ({"subject_end": 4}, "subject_text and metric_cue must be as long as their spans"),
        ({"metric_cue_start": None}, "all or none"),
    ],
)
def test_bad_fact_is_reported_with_its_check(change, check):
    report = validate_frame(NumericFacts, frame_from_rows(NumericFacts, [{**GOOD_FACT, **change}]))
    assert not report.passed
    assert any(check in c for c in report.failures["check"].to_list()), report.summary()
    assert "| row |" in report.failure_table()


def test_duplicate_keys_fail():
    frame = frame_from_rows(NumericFacts, [GOOD_FACT, GOOD_FACT])
    assert not validate_frame(NumericFacts, frame).passed


def test_empty_frames_have_the_model_schema():
    for model in PUBLISHED_MODELS:
        frame = frame_from_rows(model, [])
        assert frame.columns == list(model.to_schema().columns)
        assert validate_frame(model, frame).passed


def test_missing_column_is_reported_not_raised():
    frame = frame_from_rows(Quarantine, [{"source_file": "a", "stage": "read", "reason": "x",
                                          "detected_at": dt.datetime(2025, 1, 1)}]).drop("reason")
    report = validate_frame(Quarantine, frame)
    assert not report.passed
    assert report.failures.select("column", "check").rows() == [("reason", "column_present")]


def test_quarantine_stage_values():
    frame = pl.DataFrame({"source_file": ["a"], "content_sha256": [None], "stage": ["compile"], "reason": ["x"],
                          "detected_at": [dt.datetime(2025, 1, 1)]})
    assert not validate_frame(Quarantine, frame).passed


def test_empty_frame_of_wrong_dtype_fails():
    frame = frame_from_rows(Quarantine, []).with_columns(pl.col("detected_at").cast(pl.String))
    report = validate_frame(Quarantine, frame)
    assert not report.passed and report.failures["column"].to_list() == ["detected_at"]


def test_reference_rows_validate_and_bad_ones_fail():
    assert validate_frame(Entities, frame_from_rows(Entities, [GOOD_ENTITY])).passed
    assert validate_frame(FxRates, frame_from_rows(FxRates, [GOOD_RATE, {**GOOD_RATE, "currency": "TWD",
                                                                         "days": None}])).passed
    for model, rows in [
        (Entities, [GOOD_ENTITY, GOOD_ENTITY]),  # name is the primary key
        (Entities, [{**GOOD_ENTITY, "type": "person"}]),
        (FxRates, [{**GOOD_RATE, "usd_per_unit": 0.0}]),
        (FxRates, [{**GOOD_RATE, "currency": "yuan"}]),
        (FxRates, [{**GOOD_RATE, "days": 0}]),
    ]:
        assert not validate_frame(model, frame_from_rows(model, rows)).passed, rows


def test_list_columns_are_duckdb_arrays():
    ddl = render_ddl(Entities)
    assert "aliases_zh_hans VARCHAR[] NOT NULL" in ddl and "PRIMARY KEY (name)" in ddl
    assert "PRIMARY KEY (currency, year)" in render_ddl(FxRates)


def test_new_fact_columns_are_appended_in_order():
    columns = list(NumericFacts.to_schema().columns)
    assert columns[:14] == ["fact_id", "doc_id", "quantity_kind", "value", "value_high", "unit", "category",
                            "qualifier", "year", "text", "start_char", "end_char", "sentence", "extractor_version"]
    assert columns[14:] == ["subject", "metric", "topic", "value_usd", "value_high_usd", "fx_rate_date",
                            "subject_text", "subject_start", "subject_end", "metric_cue", "metric_cue_start",
                            "metric_cue_end"]


def test_view_columns_keep_the_facts_meaning():
    con = duckdb.connect()
    create_schema(con)
    comments = dict(con.sql("SELECT column_name, comment FROM duckdb_columns() "
                            "WHERE table_name = 'fact_details'").fetchall())
    described = {n: c.description for n, c in NumericFacts.to_schema().columns.items()}
    assert comments["year"] == described["year"]  # not fx_rates.year
    for column in ("subject", "metric", "topic", "value_usd", "value_high_usd", "fx_rate_date", "subject_text",
                   "metric_cue_end"):
        assert comments[column] == described[column]
