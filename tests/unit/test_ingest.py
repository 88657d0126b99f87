"""Parsing of every file shape, the cleaned body, languages, and rejected files."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest.body import _MARKDOWN_REWRITES, clean_body, load_page_chrome, strip_markdown
from pipelines.ingest.decode import decode_bytes
from pipelines.ingest.errors import RejectedFile
from pipelines.ingest.language import detect_language
from pipelines.ingest.records import doc_id_for, parse_document
from tests.conftest import FIXTURES, SEEDS


def _parse(path):
    return parse_document(path.name, path.read_bytes())


def test_markdown_front_matter_fields():
    doc = _parse(SEEDS / "000_2be661a636c00b06.txt")
    assert doc.format == "markdown"
    assert doc.title.startswith("韩国总统与荷兰首相发表联合声明")
    assert doc.author is None  # "unknown" in the front matter
    assert doc.source_id == "0748afca-9a5b-11ee-917b-1babb5e85659"
    assert doc.url == "https://www.zhihu.com/question/634742401/answer/3325067800"
    assert doc.saved_at == dt.datetime(2023, 12, 14, 1, 42, 3)
    assert doc.published_at == dt.datetime(2023, 12, 14, 1, 42, 3)
    assert (doc.language, doc.title_language) == ("zh-Hans", "zh-Hans")


def test_markdown_body_is_clean():
    doc = _parse(SEEDS / "000_2be661a636c00b06.txt")
    for leftover in ("http", "www.", "](", "![", "**", "omnivore", "date_saved", "赞同 193", "被浏览"):
        assert leftover not in doc.body.lower(), leftover
    assert "吕特" in doc.body  # link text is kept
    assert doc.metrics == {"followers_count": 38, "views_count": 64150, "upvotes_count": 19 + 193 + 92 + 5}


def test_plain_text_with_publisher_line():
    doc = _parse(SEEDS / "001_5b09602a3439646b.txt")
    assert doc.format == "plain_text"
    assert doc.publisher == "Sou Hu Cai Jing"
    assert doc.published_at == dt.datetime(2025, 11, 24, 1, 28)
    assert (doc.language, doc.title_language) == ("en", "zh-Hans")
    assert doc.body.startswith("Core Insights")


def test_news_keeps_related_headlines_out_of_body():
    doc = _parse(SEEDS / "002_826cc0dfb40d3ede.txt")
    assert doc.format == "news"
    assert doc.editor == "何致中"
    assert "責任編輯" not in doc.body and "100%關稅" not in doc.body
    assert doc.related_headlines.count("\n") == 19
    assert "川普示警加徵金磚國家100%關稅" in doc.related_headlines
    assert doc.language == "zh-Hant"


def test_blog_author_line():
    doc = _parse(SEEDS / "003_f582c57dff3ceabf.txt")
    assert doc.format == "blog"
    assert doc.author == "朱頭山"
    assert doc.published_at == dt.datetime(2024, 11, 2, 12, 39, 42)
    assert doc.metrics == {"comments_count": 16}
    assert "評論" not in doc.body.split("\n", 1)[0]


def test_doc_id_is_stable_for_a_path():
    assert doc_id_for("a/b.txt") == doc_id_for("a/b.txt") != doc_id_for("a/c.txt")


def test_untitled_plain_text_is_kept():
    doc = parse_document("note.txt", b"A short note\n\nExports rose 12%.\n")
    assert doc.format == "text" and doc.title == "A short note" and doc.body == "Exports rose 12%."


@pytest.mark.parametrize(
    ("name", "stage", "reason"),
    [
        ("empty.txt", "read", "empty file"),
        ("blank_lines.txt", "read", "empty file"),
        ("chart.png", "read", "binary file"),
        ("broken_front_matter.md", "parse", "broken front matter"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(name, stage, reason):
    with pytest.raises(RejectedFile) as info:
        _parse(FIXTURES / "bad_files" / name)
    assert info.value.stage == stage
    assert reason in info.value.reason


def test_legacy_encodings_and_newlines():
    text = "台積電營收成長12%\r\n第二行\r\n"
    assert decode_bytes(text.encode("big5")).text == text.replace("\r\n", "\n")
    assert decode_bytes("\ufeff标题\n正文".encode("utf-8")).text == "标题\n正文"
    assert decode_bytes("标题\n正文".encode("utf-16")).text == "标题\n正文"


def test_clean_body_removes_markdown_but_keeps_link_text():
    body, metrics = clean_body("看[这篇报道](https://x.com/a?b=1)和![图](https://img/1.png) www.example.com/x 原文\n\n\n\n**粗体**")
    assert body == "看这篇报道和  原文\n\n粗体"
    assert metrics == {}


def test_page_chrome_counters_and_lines_are_taken_out_in_both_scripts():
    page = ("关注者\n**1,024**\n被瀏覽\n2,048\n关注\n35 人赞同了该回答\n出口增长12%。\n贊同 7 分享\n"
            "编辑于 2024-05-01 10:00\n#芯片\n---\n12 條評論")
    body, metrics = clean_body(page)
    assert body == "出口增长12%。"
    assert metrics == {"followers_count": 1024, "views_count": 2048, "upvotes_count": 42, "comments_count": 12}


def test_every_page_chrome_cue_is_a_word_of_its_pattern():
    # A pattern runs only on text holding one of its cues: a cue it does not contain would
    # let a page's counter through into the body.
    for metric in load_page_chrome().metrics:
        assert metric.cues, metric.name
        assert all(cue in metric.pattern.pattern for cue in metric.cues), metric.name


@pytest.mark.parametrize(
    ("text", "language"),
    [("美国的对华技术封锁", "zh-Hans"), ("美國的對華技術封鎖", "zh-Hant"), ("The U.S. export controls", "en"), ("123", "und")],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["![", "](", "[", "]", "(", ")", "http://", "WwW.", "a.b", "**", "__", "\\", "*",
                                 "#", "# ", "\n", " ", "x", "中"]), max_size=14).map("".join))
def test_markdown_rewrites_are_skipped_only_where_they_cannot_match(text):
    # strip_markdown runs a rewrite only where its substring test passes; running every one
    # unconditionally must give the same text
    unconditional = text
    for pattern, replacement, _ in _MARKDOWN_REWRITES:
        unconditional = pattern.sub(replacement, unconditional)
    assert strip_markdown(text) == unconditional


def test_only_http_addresses_are_kept_as_a_document_s_url():
    from pipelines.ingest.links import http_link

    for address in ("https://www.reuters.com/a", "HTTP://example.org/x?y=1"):
        assert http_link(address) == address
    for address in ("javascript:alert(1)", "JaVaScript:alert(1)", " java\tscript:x", "data:text/html,x",
                    "vbscript:x", "//cdn.example.org/x", "https:///x", "file:///etc/passwd", "www.example.org"):
        assert http_link(address) is None, address
    doc = parse_document("x.md", b"---\ntitle: t\nsource_url: 'javascript:alert(1)'\n---\n\nNvidia lost 5%.\n")
    assert doc.url is None and "url 'javascript:alert(1)' is not an http(s) address" in doc.parse_warnings
