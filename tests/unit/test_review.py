"""The review site's pure parts: marks laid over a body, pages rendered from hand-made rows,
and writing only what changed."""

from __future__ import annotations

import re
from datetime import datetime

import duckdb
import markupsafe
import polars as pl

from pipelines.review.fragments import escape
from pipelines.review.marks import lay_out
from pipelines.review.numbers import number, usd
from pipelines.review.site import interval, read_manifest, render_site, site_folder_problem, write_site
from tests.browser import highlighted_facts

BODY = "中國供應了全球60%的稀土礦物,控製著超過85%的稀土加工。<script>alert(1)</script>"


def fact(fact_id, start, end, body=BODY, **about):
    row = {"fact_id": fact_id, "doc_id": "00000000000000d1", "quantity_kind": "percent", "value": 60.0, "value_high": None,
           "unit": "%", "category": "share", "qualifier": "exact", "year": None, "text": body[start:end],
           "start_char": start, "end_char": end, "sentence": body[:31], "subject": "China", "metric": "supply_share",
           "topic": "rare_earths", "value_usd": None, "value_high_usd": None, "subject_text": "中國",
           "subject_start": 0, "subject_end": 2, "metric_cue": "供應", "metric_cue_start": 2, "metric_cue_end": 4}
    return {**row, **about}


def test_marks_cover_the_body_and_hold_each_fact_s_exact_text():
    facts = [fact("a", 7, 10), fact("b", 21, 24, metric_cue="加工", metric_cue_start=27, metric_cue_end=29)]
    layout = lay_out(BODY, facts)
    assert "".join(s.text for s in layout.segments) == BODY
    marked = {s.mark.fact_ids[0]: s.text for s in layout.segments if s.mark and s.mark.role == "fact"}
    assert marked == {"a": "60%", "b": "85%"}
    evidence = {s.text: (s.mark.role, s.mark.fact_ids) for s in layout.segments if s.mark and s.mark.role != "fact"}
    # one name chose both subjects: one mark naming both facts
    assert evidence == {"中國": ("subject", ("a", "b")), "供應": ("metric", ("a",)), "加工": ("metric", ("b",))}


def test_a_fact_overlapping_another_is_listed_not_split_and_evidence_never_cuts_a_fact():
    facts = [fact("a", 7, 10), fact("b", 8, 12), fact("c", 21, 24, subject_start=20, subject_end=22)]
    layout = lay_out(BODY, facts)
    assert [f["fact_id"] for f in layout.unplaced] == ["b"]
    assert [s.text for s in layout.segments if s.mark and s.mark.role == "fact"] == ["60%", "85%"]
    assert all(s.text != BODY[20:22] for s in layout.segments if s.mark and s.mark.role != "fact")


def test_numbers_read_as_people_write_them():
    assert number(173_960_000_000) == "173.96 billion"
    assert number(124_000) == "124,000"
    assert number(7.4) == "7.4"
    assert usd(2.4e10) == "US$24 billion"
    assert interval(85.0, None, "over") == "> 85" and interval(None, 60.0, "up_to") == "≤ 60"
    assert interval(59.7, 60.3, "exact") == "59.7 – 60.3"


def document(doc_id="00000000000000d1", body=BODY, **fields):
    row = {"doc_id": doc_id, "source_file": f"{doc_id}.md", "content_sha256": "0" * 64, "title": "稀土",
           "author": None, "publisher": None, "url": "https://example.org/a", "published_at": datetime(2024, 11, 2),
           "saved_at": None, "language": "zh-Hant", "body": body, "parse_warnings": None}
    return {**row, **fields}


def rows(facts, claims=(), links=(), quarantine=(), documents=None) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the warehouse's tables the site reads, holding these rows."""
    documents = pl.DataFrame(documents or [document()])
    claim_schema = {"claim_id": pl.String, "subject": pl.String, "metric": pl.String, "aspect": pl.String,
                    "topic": pl.String, "unit": pl.String, "year": pl.Int32, "facts": pl.Int64, "documents": pl.Int64,
                    "languages": pl.Int64, "value_low": pl.Float64, "value_high": pl.Float64,
                    "value_low_usd": pl.Float64, "value_high_usd": pl.Float64, "status": pl.String}
    link_schema = {"claim_id": pl.String, "fact_id": pl.String, "doc_id": pl.String, "interval_low": pl.Float64,
                   "interval_high": pl.Float64}
    quarantine_schema = {"source_file": pl.String, "stage": pl.String, "reason": pl.String,
                         "detected_at": pl.Datetime}
    con = duckdb.connect()
    for table, frame in {"documents": documents, "numeric_facts": pl.DataFrame(facts),
                         "claims": pl.DataFrame(list(claims), schema=claim_schema),
                         "claim_facts": pl.DataFrame(list(links), schema=link_schema),
                         "quarantine": pl.DataFrame(list(quarantine), schema=quarantine_schema)}.items():
        con.register("incoming", frame.to_arrow())
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM incoming")
        con.unregister("incoming")
    return con


def pages(rows_, **options) -> dict[str, str]:
    """Every file of the site, document pages rendered."""
    site = render_site(rows_, warehouse="w.duckdb", **options)
    return {**site.pages, **dict(site.document_pages())}


def claim(claim_id, status, value):
    return {"claim_id": claim_id, "subject": "China", "metric": "supply_share", "aspect": "production",
            "topic": "rare_earths", "unit": "%", "year": None, "facts": 2, "documents": 2 if status != "single" else 1,
            "languages": 2, "value_low": value, "value_high": value, "value_low_usd": None, "value_high_usd": None,
            "status": status}


def test_pages_show_every_fact_once_escape_the_text_and_need_no_network():
    facts = [fact("a", 7, 10), fact("b", 21, 24, value=85.0, qualifier="over")]
    site = pages(rows(facts, quarantine=[{"source_file": "bad.pdf", "stage": "read", "reason": "not text",
                                          "detected_at": datetime(2025, 1, 1)}]))
    assert set(site) == {"index.html", "claims.html", "docs/00000000000000d1.html", "review.css", "review.js"}
    page = site["docs/00000000000000d1.html"]
    assert highlighted_facts(page) == [("a", "60%"), ("b", "85%")]
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'lang="zh-Hant"' in page
    for html in (site["index.html"], site["claims.html"], page):  # nothing fetched from elsewhere
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html)
    assert "bad.pdf" in site["index.html"] and "not text" in site["index.html"]


def test_claims_page_lists_conflicts_first_and_leaves_single_claims_to_their_pages():
    facts = [fact("a", 7, 10), fact("b", 21, 24)]
    links = [{"claim_id": cid, "fact_id": fid, "doc_id": "00000000000000d1", "interval_low": 1.0, "interval_high": 2.0}
             for cid, fid in (("c-agree", "a"), ("c-clash", "b"), ("c-alone", "a"))]
    site = pages(rows(facts, [claim("c-agree", "corroborated", 60.0), claim("c-clash", "conflict", 85.0),
                              claim("c-alone", "single", 60.0)], links))
    order = re.findall(r'id="claim-([\w-]+)"', site["claims.html"])
    assert order == ["c-clash", "c-agree"]
    assert 'href="docs/00000000000000d1.html#fact-b"' in site["claims.html"]
    assert 'href="../claims.html#claim-c-clash"' in site["docs/00000000000000d1.html"]
    assert "<svg" in site["index.html"]  # the charts are inline, drawn offline


def test_writing_again_renders_and_rewrites_nothing_and_removes_pages_of_documents_that_are_gone(tmp_path):
    two = [document(), document("00000000000000d2", source_file="d2.md")]
    first = write_site(render_site(rows([fact("a", 7, 10)], documents=two), warehouse="w.duckdb"), tmp_path)
    assert (first.files, first.rendered, first.written, first.removed) == (6, 2, 6, 0)
    assert pages(rows([fact("a", 7, 10)])) == pages(rows([fact("a", 7, 10)]))  # same rows, same bytes
    again = write_site(render_site(rows([fact("a", 7, 10)], documents=two), warehouse="w.duckdb",
                                   previous=read_manifest(tmp_path).pages), tmp_path, previous=read_manifest(tmp_path))
    assert (again.rendered, again.written, again.removed) == (0, 0, 0)
    changed = write_site(render_site(rows([fact("a", 7, 10, topic="gallium")]), warehouse="w.duckdb",
                                     previous=read_manifest(tmp_path).pages), tmp_path,
                         previous=read_manifest(tmp_path))
    assert (changed.rendered, changed.removed) == (1, 1)  # d1's page again; d2's page is gone
    assert "gallium" in (tmp_path / "docs" / "00000000000000d1.html").read_text()
    assert not (tmp_path / "docs" / "00000000000000d2.html").exists()
    assert read_manifest(tmp_path).files == {"index.html", "claims.html", "review.css", "review.js", "docs/00000000000000d1.html"}


def test_the_site_refuses_a_folder_with_files_it_did_not_write_or_another_warehouse_s_site(tmp_path):
    assert site_folder_problem(tmp_path / "new", "w.duckdb", read_manifest(tmp_path / "new")) is None
    assert site_folder_problem(tmp_path, "w.duckdb", read_manifest(tmp_path)) is None  # empty
    (tmp_path / "notes.html").write_text("mine")
    (tmp_path / "review.css").write_text("mine too")
    problem = site_folder_problem(tmp_path, "w.duckdb", read_manifest(tmp_path))
    assert problem.startswith(f"REVIEW_DIR {tmp_path} holds files the review site did not write (notes.html, "
                              "review.css)")
    site = tmp_path / "site"
    write_site(render_site(rows([fact("a", 7, 10)]), warehouse="w.duckdb"), site, warehouse="/data/w.duckdb")
    assert site_folder_problem(site, "/data/w.duckdb", read_manifest(site)) is None
    assert "holds the review site of another warehouse (/data/w.duckdb)" in site_folder_problem(
        site, "/data/other.duckdb", read_manifest(site))


def test_a_site_of_an_earlier_release_is_taken_over_with_its_own_files(tmp_path):
    """Its manifest listed the document pages only; its other files are the site's by name."""
    for name in ("index.html", "index-2.html", "claims.html", "review.css", "review.js", "docs/00000000000000d1.html"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("old")
    (tmp_path / ".pages.json").write_text('{"docs/00000000000000d1.html": "k1"}')
    manifest = read_manifest(tmp_path)
    assert manifest.pages == {"docs/00000000000000d1.html": "k1"} and manifest.warehouse is None
    assert site_folder_problem(tmp_path, "w.duckdb", manifest) is None
    write_site(render_site(rows([fact("a", 7, 10)]), warehouse="w.duckdb"), tmp_path, previous=manifest)
    assert not (tmp_path / "index-2.html").exists()  # the earlier site's, no longer part of it


def test_the_claims_page_lists_claims_and_facts_up_to_a_cap(monkeypatch):
    import pipelines.review.site as site_module
    monkeypatch.setattr(site_module, "CLAIMS_LISTED", 1)
    monkeypatch.setattr(site_module, "FACTS_PER_CLAIM", 1)
    facts = [fact("a", 7, 10), fact("b", 21, 24)]
    links = [{"claim_id": cid, "fact_id": fid, "doc_id": "00000000000000d1", "interval_low": 1.0, "interval_high": 2.0}
             for cid, fid in (("c-clash", "a"), ("c-clash", "b"), ("c-agree", "a"))]
    site = pages(rows(facts, [claim("c-agree", "corroborated", 60.0), claim("c-clash", "conflict", 85.0)], links))
    assert re.findall(r'id="claim-([\w-]+)"', site["claims.html"]) == ["c-clash"]
    assert "followed by 1 more" in site["claims.html"] and "and 1 more facts" in site["claims.html"]


def test_escape_writes_what_jinja_autoescape_writes():
    for value in ("plain", "", "R&D <b>\"chips\"</b> 'n' >", "中國&台灣", 2024, 60.5):
        assert escape(value) == str(markupsafe.escape(value))


def test_markup_characters_in_text_and_about_fields_are_escaped_on_a_document_page():
    body = 'AT&T said "<b>R&D</b>" rose 5% at O\'Neil.'
    start = body.index("5%")
    facts = [fact("a&1", start, start + 2, body=body, subject='AT&T "x"', subject_text="AT&T", subject_start=0,
                  subject_end=4, metric_cue="<b>R&D</b>", metric_cue_start=body.index("<b>"),
                  metric_cue_end=body.index("</b>") + 4, topic="<i>", sentence=body)]
    links = [{"claim_id": "c<1>", "fact_id": "a&1", "doc_id": "00000000000000d1", "interval_low": 5.0, "interval_high": 5.0}]
    site = pages(rows(facts, [{**claim("c<1>", "conflict", 5.0), "subject": "<AT&T>"}], links,
                      documents=[document(body=body, language='en"')]))
    page = site["docs/00000000000000d1.html"]
    assert highlighted_facts(page) == [("a&1", "5%")]
    assert "<b>" not in page and "<i>" not in page and "<AT&T>" not in page and 'en""' not in page
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in page and "O&#39;Neil" in page and "&lt;AT&amp;T&gt;" in page


def test_pages_rendered_in_batches_and_worker_chunks_each_show_their_own_facts(monkeypatch):
    import pipelines.review.site as site_module
    monkeypatch.setattr(site_module, "BODY_BATCH", 3)
    monkeypatch.setattr(site_module, "PAGE_CHUNK", 2)
    documents = [document(f"00000000000000d{n}", title=f"t{n}", published_at=datetime(2024, 1, n + 1)) for n in range(7)]
    facts = [{**fact(f"f{n}-{k}", start, start + 3), "doc_id": f"00000000000000d{n}"}
             for n in range(7) if n % 3 != 1 for k, start in enumerate((7, 21))]
    site = pages(rows(facts, documents=documents))
    for n in range(7):
        expected = [] if n % 3 == 1 else [(f"f{n}-0", "60%"), (f"f{n}-1", "85%")]
        page = site[f"docs/00000000000000d{n}.html"]
        assert highlighted_facts(page) == expected and f"<h2>{len(expected)} facts</h2>" in page


def test_a_document_id_the_parser_did_not_make_never_names_a_page(tmp_path):
    """An id a client wrote into the warehouse (`../../x`) makes no page, inside the site or out."""
    bad = document("../../escaped", source_file="x.md")
    site = render_site(rows([fact("a", 7, 10)], documents=[document(), bad]), warehouse="w.duckdb")
    written = write_site(site, tmp_path / "site")
    assert written.documents == 1 and not (tmp_path / "escaped.html").exists()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")) == [
        "site/claims.html", "site/docs/00000000000000d1.html", "site/index.html"]
