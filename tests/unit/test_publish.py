"""Publishing to DuckDB: all or nothing, idempotent, first detection kept."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from pipelines.hops import extract_hop, parse_hop, raw_hop
from pipelines.schema.frames import frame_from_rows
from pipelines.schema.tables import Quarantine
from pipelines.warehouse import publish
from pipelines.warehouse.publish import PublishError, dropped_share_error, publish_warehouse
from pipelines.warehouse.published import WarehouseUnavailable, read_published, smaller_memory_limit
from pipelines.version import pipeline_version
from pipelines.warehouse.state import last_publish, reusable
from tests.conftest import SEEDS
from tests.integration.reingest_helpers import run_without_dagster


@pytest.fixture(scope="module")
def frames():
    documents, rejects = parse_hop(raw_hop(SEEDS))
    facts, _ = extract_hop(documents)
    return documents, facts, rejects


def _tables(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("documents", "numeric_facts", "quarantine")}


def test_publish_twice_gives_identical_tables(tmp_path, frames):
    path = tmp_path / "w.duckdb"
    report = publish_warehouse(path, *frames)
    assert report.row_counts["documents"] == 5 and report.row_counts["numeric_facts"] == frames[1].height
    first = _tables(path)
    publish_warehouse(path, *frames)
    assert _tables(path) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == [".w.duckdb.lock", "w.duckdb"]  # no building files left


def test_failed_check_publishes_nothing(tmp_path, frames):
    path = tmp_path / "w.duckdb"
    publish_warehouse(path, *frames)
    before = _tables(path)
    documents, facts, rejects = frames
    wrong = facts.with_columns(pl.col("start_char") + 1, pl.col("end_char") + 1)  # same length, wrong span
    with pytest.raises(PublishError) as info:
        publish_warehouse(path, documents, wrong, rejects)
    assert "fact_spans_match_body" in info.value.failed_checks
    assert _tables(path) == before


def test_orphan_fact_is_a_constraint_error(tmp_path, frames):
    documents, facts, rejects = frames
    with pytest.raises(PublishError, match="constraint"):
        publish_warehouse(tmp_path / "w.duckdb", documents.head(1), facts, rejects)
    assert not (tmp_path / "w.duckdb").exists()


def test_claims_that_fail_their_schema_publish_nothing(tmp_path, frames, monkeypatch):
    # The claims are made on a thread while the last part loads: its failure still stops the publish.
    path = tmp_path / "w.duckdb"
    publish_warehouse(path, *frames)
    before = _tables(path)
    real = publish.build_claims

    def wrong_status(facts, documents):
        claims, claim_facts = real(facts, documents)
        return claims.with_columns(pl.lit("maybe").alias("status")), claim_facts

    monkeypatch.setattr(publish, "build_claims", wrong_status)
    with pytest.raises(PublishError, match="claims failed their schema"):
        publish_warehouse(path, *frames)
    assert _tables(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".w.duckdb.lock", "w.duckdb"]


def test_quarantine_keeps_first_detection(tmp_path, frames):
    documents, facts, _ = frames
    row = {"source_file": "bad.bin", "content_sha256": None, "stage": "read", "reason": "binary file",
           "pipeline_version": "test"}
    first = frame_from_rows(Quarantine, [{**row, "detected_at": dt.datetime(2025, 1, 1)}])
    later = frame_from_rows(Quarantine, [{**row, "detected_at": dt.datetime(2025, 6, 1)}])
    path = tmp_path / "w.duckdb"
    publish_warehouse(path, documents, facts, first)
    publish_warehouse(path, documents, facts, later)
    assert _tables(path)["quarantine"][0][4] == dt.datetime(2025, 1, 1)


@pytest.mark.parametrize(("dropped", "published", "share", "refused"), [
    (0, 0, 0.5, False), (5, 5, 0.5, True), (3, 4, 0.5, True), (2, 4, 0.5, False), (5, 5, 1.0, False),
    (1, 1, 0.5, True), (1, 10, 0.0, True),
])
def test_dropped_share_guard(dropped, published, share, refused):
    message = dropped_share_error(dropped, published, share, "SEEDS_DIR /data/articles")
    assert (message is not None) == refused
    if refused:
        assert f"drop {dropped} of the {published} published documents" in message and "/data/articles" in message


def test_a_damaged_warehouse_is_reported_not_rebuilt(tmp_path, frames):
    path = tmp_path / "w.duckdb"
    path.write_bytes(b"not a duckdb file" * 100)
    with pytest.raises(WarehouseUnavailable, match="exists but cannot be opened.*move the file aside"):
        publish_warehouse(path, *frames)
    assert path.read_bytes() == b"not a duckdb file" * 100


def _earlier_release(path, quarantine_columns: str = "source_file VARCHAR") -> None:
    """A warehouse as an earlier release wrote it: its tables, without today's newer columns
    (file sizes and times) and without the publishes table."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE documents (doc_id VARCHAR, source_file VARCHAR, content_sha256 VARCHAR, "
                    "pipeline_version VARCHAR, body VARCHAR)")
        con.execute("CREATE TABLE numeric_facts (fact_id VARCHAR, doc_id VARCHAR)")
        con.execute(f"CREATE TABLE quarantine ({quarantine_columns})")
        con.execute("INSERT INTO documents VALUES ('d', 'a.md', ?, 'v1', 'x')", ["0" * 64])


def test_a_warehouse_of_another_schema_is_made_again(tmp_path, frames):
    path = tmp_path / "w.duckdb"
    _earlier_release(path)
    state = read_published(path, "any")
    assert state.hashes == {} and "another schema" in state.note
    publish_warehouse(path, *frames, max_dropped_share=1.0)
    assert len(_tables(path)["documents"]) == 5


def test_a_warehouse_of_the_release_before_file_times_is_made_again(tmp_path):
    path = tmp_path / "w.duckdb"
    # the columns the hashes need, but no file sizes and times
    _earlier_release(path, "source_file VARCHAR, content_sha256 VARCHAR, pipeline_version VARCHAR")
    state = read_published(path, "v1")
    assert state.hashes == {} and state.stats == {} and "another schema" in state.note
    assert "file_size_bytes" in state.note


def test_a_database_this_pipeline_did_not_write_is_never_replaced(tmp_path, frames):
    path = tmp_path / "sales.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE my_sales AS SELECT 1 AS id, 99.5 AS amount")
    before = path.read_bytes()
    with pytest.raises(WarehouseUnavailable, match=r"is a DuckDB database this pipeline did not write \(its "
                       r"tables: my_sales\); nothing was replaced"):
        read_published(path, "any")
    with pytest.raises(PublishError, match="this pipeline did not write"):
        publish_warehouse(path, *frames)
    assert path.read_bytes() == before


def test_building_files_left_by_a_killed_publish_are_removed(tmp_path, frames):
    path = tmp_path / "w.duckdb"
    orphans = [tmp_path / ".w.duckdb.0a1b.building", tmp_path / ".w.duckdb.0a1b.building.wal",
               tmp_path / ".w.duckdb.ffee.building"]
    for orphan in orphans:
        orphan.write_bytes(b"half a warehouse")
    other = tmp_path / ".other.duckdb.0a1b.building"  # another warehouse's: not ours to remove
    other.write_bytes(b"x")
    publish_warehouse(path, *frames)
    assert not any(o.exists() for o in orphans) and other.exists()


def test_a_warehouse_path_that_is_a_link_publishes_to_its_target(tmp_path, frames):
    target = tmp_path / "store" / "w.duckdb"
    target.parent.mkdir()
    link = tmp_path / "w.duckdb"
    link.symlink_to(target)
    publish_warehouse(link, *frames)
    assert link.is_symlink() and target.is_file()
    assert len(_tables(target)["documents"]) == 5


def test_a_text_file_as_warehouse_is_refused_not_overwritten(tmp_path, frames):
    path = tmp_path / "notes.txt"
    path.write_text("my notes, not a warehouse\n" * 50)
    with pytest.raises(WarehouseUnavailable, match="cannot be opened"):
        publish_warehouse(path, *frames)
    assert path.read_text() == "my notes, not a warehouse\n" * 50


def _first_money_fact(facts: pl.DataFrame) -> pl.Expr:
    first = facts.filter(pl.col("quantity_kind") == "money")["fact_id"][0]
    return pl.col("fact_id") == first


def test_money_without_a_rate_warns_and_publishes(tmp_path, frames):
    from pipelines.warehouse.publish import check_tallies, tally, warning_checks

    documents, facts, rejects = frames
    no_rate = facts.with_columns(
        pl.when(_first_money_fact(facts)).then(pl.lit("XAF")).otherwise(pl.col("unit")).alias("unit"),
        *(pl.when(_first_money_fact(facts)).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("value_usd", "value_high_usd", "fx_rate_date")),
    )
    report = publish_warehouse(tmp_path / "w.duckdb", documents, no_rate, rejects)  # not refused
    rows = report.check_results["money_without_usd"]
    assert rows.height == 1 and rows["currency"].to_list() == ["XAF"]
    assert warning_checks() == {"money_without_usd"} and check_tallies() == {"money_without_usd": "currency"}
    assert tally(rows, "currency") == "XAF 1"
    assert all(rows.is_empty() for name, rows in report.check_results.items() if name != "money_without_usd")


def test_a_subject_that_is_no_entity_blocks_the_publish(tmp_path, frames):
    documents, facts, rejects = frames
    unknown = facts.with_columns(
        pl.when(_first_money_fact(facts)).then(pl.lit("Atlantis")).otherwise(pl.col("subject")).alias("subject"))
    with pytest.raises(PublishError, match="fact_subjects_are_entities") as info:
        publish_warehouse(tmp_path / "w.duckdb", documents, unknown, rejects)
    assert info.value.failed_checks["fact_subjects_are_entities"]["subject"].to_list() == ["Atlantis"]
    assert not (tmp_path / "w.duckdb").exists()


def test_reference_tables_are_written_whole_every_time(tmp_path, frames):
    from pipelines.hops import reference_frames

    path = tmp_path / "w.duckdb"
    reference = reference_frames()
    report = publish_warehouse(path, *frames)
    assert report.row_counts["entities"] == reference["entities"].height
    assert report.row_counts["fx_rates"] == reference["fx_rates"].height
    publish_warehouse(path, *frames, reference={**reference, "fx_rates": reference["fx_rates"].head(3)})
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM fx_rates").fetchall() == [(3,)]  # replaced, not appended
        assert con.sql("SELECT count(*) FROM entities").fetchall() == [(reference["entities"].height,)]


def test_a_reading_connection_uses_the_smaller_of_the_run_s_memory_limit_and_its_cap():
    assert smaller_memory_limit("1GB") == "256MB" and smaller_memory_limit("2 GiB") == "256MB"
    assert smaller_memory_limit("100MB") == "100MB" and smaller_memory_limit("200mb", cap="0.25GB") == "200mb"
    assert smaller_memory_limit("80%") == "80%"  # a form not compared here is kept as the user wrote it


def test_the_newest_publish_is_the_one_the_file_was_last_left_by_even_within_one_second(tmp_path):
    """Publishes in the same second tie on published_at: the file's state is its highest
    publish_number, so a run never takes an older publish's time for another process's write."""

    db = tmp_path / "w.duckdb"
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: a\n---\n\n中國供應了全球60%的稀土。\n", "utf-8")
    for _ in range(4):
        run_without_dagster(folder, db)
        with duckdb.connect(str(db), read_only=True) as con:
            numbers = [row[0] for row in con.execute("SELECT publish_number FROM publishes ORDER BY 1").fetchall()]
            last = last_publish(con)
        assert numbers == list(range(1, len(numbers) + 1))
        assert reusable(db, last)


def test_a_run_that_changes_nothing_removes_what_a_killed_publish_left(tmp_path):
    from pipelines.hops import unchanged_files
    from pipelines.warehouse.unchanged import recheck_unchanged

    folder, path = tmp_path / "seeds", tmp_path / "w.duckdb"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: a\n---\n\n中國供應了全球60%的稀土。\n", "utf-8")
    run_without_dagster(folder, path)
    orphans = [tmp_path / ".w.duckdb.0a1b.building", tmp_path / ".w.duckdb.0a1b.building.wal"]
    for orphan in orphans:
        orphan.write_bytes(b"half a warehouse")
    raw = raw_hop(folder, read_published(path, pipeline_version()).hashes)
    assert recheck_unchanged(path, unchanged_files(raw), 5.0) is not None  # the no-op
    assert not any(orphan.exists() for orphan in orphans)
