"""The span check: right answers, and time linear in body length and facts (one long line)."""

from __future__ import annotations


import duckdb
import polars as pl

from pipelines.hops import span_mismatches
from pipelines.schema.ddl import create_schema
from pipelines.spans import find_span_mismatches
from pipelines.warehouse.publish import warehouse_span_mismatches
from tests.growth import cpu_seconds, growth, max_growth


def test_mismatches_and_missing_documents_are_found():
    bodies = [("a", "营收增长5%。"), ("c", "Revenue rose 5%.")]
    facts = [("f1", "a", 4, 6, "5%"), ("f2", "a", 0, 2, "增长"), ("f3", "b", 0, 1, "x"), ("f4", "c", 13, 15, "5%"),
             ("f5", "c", 40, 42, "5%")]
    assert list(find_span_mismatches(bodies, facts)) == [
        ("f2", "a", 0, 2, "增长", "营收"), ("f3", "b", 0, 1, "x", None), ("f5", "c", 40, 42, "5%", None)]


def _one_long_line(chars: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    body = ("营收增长5%，" * (chars // 7 + 1))[:chars]
    starts = range(4, chars - 2, 7 * 20)  # a fact every 20 clauses: facts grow with the body
    documents = pl.DataFrame({"doc_id": ["0123456789abcdef"], "body": [body]})
    facts = pl.DataFrame({"fact_id": [f"{i:016x}" for i in range(len(starts))], "doc_id": "0123456789abcdef",
                          "start_char": list(starts), "end_char": [s + 2 for s in starts],
                          "text": [body[s:s + 2] for s in starts]})
    return documents, facts


SIZES = (250_000, 500_000, 1_000_000, 2_000_000)


def _best(action, repeat: int = 5) -> float:
    return min(cpu_seconds(action) for _ in range(repeat))


def test_frame_span_check_is_linear():
    times = []
    for chars in SIZES:
        documents, facts = _one_long_line(chars)
        assert span_mismatches(documents, facts).is_empty()
        times.append(_best(lambda d=documents, f=facts: span_mismatches(d, f)))
    assert growth(times, floor=0.002) <= max_growth(SIZES), times


def test_warehouse_span_check_is_linear():
    times = []
    for chars in SIZES:
        documents, facts = _one_long_line(chars)
        con = duckdb.connect()
        con.execute("CREATE TABLE documents (doc_id VARCHAR, body VARCHAR)")
        con.execute("CREATE TABLE numeric_facts (fact_id VARCHAR, doc_id VARCHAR, start_char BIGINT, end_char BIGINT, "
                    "text VARCHAR)")
        con.register("d", documents.to_arrow())
        con.register("f", facts.to_arrow())
        con.execute("INSERT INTO documents SELECT * FROM d; INSERT INTO numeric_facts SELECT * FROM f")
        assert warehouse_span_mismatches(con).is_empty()
        times.append(_best(lambda c=con: warehouse_span_mismatches(c)))
    assert growth(times, floor=0.005) <= max_growth(SIZES), times


def test_warehouse_span_check_on_the_schema_finds_a_shifted_span():
    con = duckdb.connect()
    create_schema(con)
    con.execute("INSERT INTO documents (doc_id, source_file, content_sha256, format, title, language, title_language, "
                "body, pipeline_version) VALUES ('0123456789abcdef', 'a.txt', ?, 'text', 't', 'zh-Hans', 'zh-Hans', "
                "'营收增长5%。', 'v')", ["0" * 64])
    con.execute("INSERT INTO numeric_facts (fact_id, doc_id, quantity_kind, value, value_high, unit, category, "
                "qualifier, year, text, start_char, end_char, sentence, extractor_version, metric) VALUES "
                "('fedcba9876543210', '0123456789abcdef', 'percent', 5, 5, '%', 'growth_rate', 'exact', NULL, '5%', "
                "5, 7, 's', 'v', 'growth')")
    [row] = warehouse_span_mismatches(con).rows()
    assert row == ("fedcba9876543210", "0123456789abcdef", 5, 7, "5%", "%。")
