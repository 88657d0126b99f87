"""Web pages and PDFs as users save them (tests/fixtures/articles_html_pdf: real articles, a
page saved from the web and the same page printed to PDF by Chromium, with hand gold): read
as articles, their facts' text in the body once, nothing of the page around them; a scanned
PDF and a broken one quarantined with why."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from pipelines.ingest.errors import RejectedFile
from pipelines.ingest.records import parse_document
from tests.conftest import FIXTURES

PAGES = FIXTURES / "articles_html_pdf"


def _parse(name: str):
    return parse_document(name, (PAGES / "docs" / name).read_bytes())


def _gold(name: str) -> list[dict[str, str]]:
    with (PAGES / "gold.csv").open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["file"] == name]


def test_a_saved_web_page_is_read_as_its_article():
    doc = _parse("en_ai_chips_huawei_nytimes.html")
    assert doc.format == "html"
    assert doc.title == "U.S. Chipmakers Fear They Are Ceding China’s A.I. Market to Huawei"
    assert (doc.author, doc.publisher) == ("Tripp Mickle", "The New York Times")
    assert doc.published_at == dt.datetime(2025, 4, 18)
    assert doc.url == "https://www.nytimes.com/2025/04/18/technology/ai-chips-china-huawei.html"
    assert doc.language == "en"
    for marker in ("<", "function(", "window.", "{\"", "Skip to content", "Most Popular"):
        assert marker not in doc.body, marker  # no markup, script, JSON or navigation
    assert doc.body.count("fell 8.4 percent") == 1  # once, not from the title, meta tags and body over again


def test_a_chinese_web_page_keeps_its_date_and_paragraphs():
    doc = _parse("zh_hans_ai_chip_alibaba_ednchina.html")
    assert (doc.format, doc.language, doc.published_at) == ("html", "zh-Hans", dt.datetime(2019, 9, 25))
    assert doc.title.startswith("阿里发布最强AI芯片")
    assert doc.body.startswith("刚刚，在阿里2019云栖大会上")  # the article, not the site's menus
    assert "\n\n这是一款云端AI推理芯片" in doc.body  # one paragraph per block


@pytest.mark.parametrize("name", sorted(p.name for p in (PAGES / "docs").iterdir()))
def test_every_body_fact_of_the_gold_is_in_the_body_as_written(name):
    doc = _parse(name)
    scored = [row["text"] for row in _gold(name) if row["scored"] == "yes"]
    assert scored and [text for text in scored if text not in doc.body] == []


def test_a_pdf_is_read_page_by_page_with_its_lines_joined_into_paragraphs():
    doc = _parse("en_ai_chips_huawei_nytimes.pdf")
    assert doc.format == "pdf" and doc.language == "en"
    assert doc.title == "U.S. Chipmakers Fear They Are Ceding China’s A.I. Market to Huawei - The New York Times"
    assert doc.saved_at.year == 2026  # when it was printed ...
    assert doc.published_at == dt.datetime(2025, 4, 18)  # ... and the date its byline states
    paragraph = next(p for p in doc.body.split("\n\n") if "fell 8.4 percent" in p)
    assert paragraph.startswith("In the two days after the limits became public") and "\n" not in paragraph
    assert "high-quality talent" in doc.body  # a word broken at a line's hyphen joins again
    assert doc.body.index("shares of Nvidia") < doc.body.index("ferocious competitor")  # pages in order
    chinese = _parse("zh_hans_ai_chip_alibaba_ednchina.pdf")
    assert "峰值性能为7.8万IPS（每秒能处理7.8万张照片）" in chinese.body  # CJK lines join without spaces


def _image_only_pdf() -> bytes:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(page).text((20, 80), "Nvidia lost 5.5 billion dollars", fill="black")
    out = io.BytesIO()
    page.save(out, format="PDF")
    return out.getvalue()


def test_a_scanned_pdf_and_a_broken_one_are_quarantined_with_why():
    with pytest.raises(RejectedFile, match=r"scanned PDF without a text layer \(1 pages, no text\)"):
        parse_document("scan.pdf", _image_only_pdf())
    with pytest.raises(RejectedFile, match="PDF cannot be read"):
        parse_document("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage")


def test_numbers_of_a_page_s_scripts_and_title_are_not_its_body():
    page = b"<!DOCTYPE html><html><head><title>Nvidia 5%</title><script>var x = '12%';</script></head>" \
           b"<body><nav><a href='/'>Home</a></nav></body></html>"
    doc = parse_document("menus.html", page)
    assert doc.title == "Nvidia 5%" and "12%" not in doc.body and "5%" not in doc.body
    with pytest.raises(RejectedFile, match="web page without article text"):
        parse_document("empty.html", b"<html><head><script>var x = 1;</script></head><body></body></html>")


def test_html_is_known_by_its_content_not_its_name(tmp_path: Path):
    page = (PAGES / "docs" / "en_ai_chips_huawei_nytimes.html").read_bytes()
    assert parse_document("saved_page.txt", page).format == "html"
    assert parse_document("notes.html", b"Nvidia lost 5% in 2024.\n\nA plain note.\n").format != "html"


def test_a_folder_of_pages_and_pdfs_becomes_documents_and_a_scan_is_quarantined(tmp_path: Path):
    import duckdb

    from tests.integration.reingest_helpers import run_without_dagster

    folder = tmp_path / "saved"
    folder.mkdir()
    for page in (PAGES / "docs").iterdir():
        (folder / page.name).write_bytes(page.read_bytes())
    (folder / "scan.pdf").write_bytes(_image_only_pdf())
    run_without_dagster(folder, tmp_path / "w.duckdb")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        formats = con.execute("SELECT format, count(*) FROM documents GROUP BY ALL ORDER BY ALL").fetchall()
        quarantined = con.execute("SELECT source_file, stage, reason FROM quarantine").fetchall()
        facts = con.execute("SELECT count(*) FROM numeric_facts f JOIN documents d USING (doc_id) "
                            "WHERE d.body[f.start_char + 1:f.end_char] <> f.text").fetchall()
    assert formats == [("html", 5), ("pdf", 4)]
    assert quarantined == [("scan.pdf", "parse", "scanned PDF without a text layer (1 pages, no text): run OCR "
                                                  "on it to read its numbers")]
    assert facts == [(0,)]  # every span points into the stored body


def test_a_page_opening_with_a_stray_script_is_still_a_page():
    doc = _parse("zh_hant_apple_baseband_investor.html")  # saved with a <script> before its doctype
    assert (doc.format, doc.language, doc.published_at) == ("html", "zh-Hant", dt.datetime(2024, 10, 17))
    assert doc.title == "大摩報告指稱，供應鏈跡象顯示，蘋果iPhone SE4已開始備貨"
    assert "alert(" not in doc.body and "週三回吐2.07美元或0.89%至231.78美元" in doc.body


def test_reading_a_page_twice_in_one_process_gives_the_same_document():
    first, again = _parse("zh_hant_apple_baseband_investor.html"), _parse("zh_hant_apple_baseband_investor.html")
    assert first == again
