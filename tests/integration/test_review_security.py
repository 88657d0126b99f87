"""Hostile documents on the review site: a ``javascript:`` address in front matter (any case,
any key) or in a body link, script and markup in a title or body. Opened in headless Chromium
and clicked, no script of theirs runs; the pages carry a Content-Security-Policy that refuses
inline script and ``javascript:`` URLs, while the site's own review.js runs."""

from __future__ import annotations

import pytest

from tests.browser import Browser
from tests.integration.reingest_helpers import tables
from tests.readme import readme_command, run_in, sandbox

pytestmark = pytest.mark.integration

HOSTILE = {
    "front_matter_url.md": "---\ntitle: \"稀土 <img src=x onerror=\\\"document.title='pwned-title'\\\">\"\n"
                           "url: \"JaVaScript:document.title='pwned-url'\"\n---\n\n"
                           "中國供應了全球60%的稀土礦物。<script>document.title='pwned-body'</script>\n\n"
                           "<a href=\"javascript:document.title='pwned-a'\">click</a>\n",
    "source_url.md": "---\ntitle: Export controls\nsource_url: \" javascript:document.title='pwned-source'\"\n---\n\n"
                     "Nvidia said it lost $5.5 billion in 2025.\n",
    "body_link.md": "---\ntitle: Rare earths\n---\n\nChina refines 90% of rare earths.\n\n"
                    "[Read Original](javascript:document.title='pwned-link')\n",
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "docs"
    folder.mkdir()
    for name, text in HOSTILE.items():
        (folder / name).write_text(text, "utf-8")
    checkout = sandbox(root / "checkout")
    built = run_in(checkout, readme_command("build-seeds"), SEEDS_DIR=str(folder))
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return checkout / "data" / "warehouse.duckdb", checkout / "data" / "warehouse.review", root / "profile"


def test_hostile_addresses_are_not_kept_as_urls(hostile_site):
    warehouse, _, _ = hostile_site
    documents = {row[1]: row for row in tables(warehouse)["documents"]}
    assert len(documents) == 3
    for _, source_file, *_ in documents.values():
        assert source_file in HOSTILE
    with __import__("duckdb").connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT source_file, url, parse_warnings FROM documents ORDER BY source_file").fetchall()
    assert [row[1] for row in rows] == [None, None, None]
    assert all("is not an http(s) address: left empty" in row[2] for row in rows)


def test_no_script_of_a_document_runs_when_its_pages_are_opened_and_clicked(hostile_site):
    _, site, profile = hostile_site
    browser = Browser(profile)
    try:
        pages = sorted((site / "docs").glob("*.html")) + [site / "index.html", site / "claims.html"]
        for page in pages:
            browser.open(page.as_uri())
            assert not browser.run("return document.title").startswith("pwned")  # a hostile script sets it whole
            assert browser.run("return document.querySelectorAll('a[href^=\"javascript:\" i]').length") == 0
            assert browser.run("return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')"
                               ".content").startswith("default-src 'none'; script-src 'self'")
            browser.click_all("main .body a, main dl.meta a")  # whatever a document made a link
            assert not browser.run("return document.title").startswith("pwned"), page.name
            assert browser.run("return location.href") == page.as_uri()
        # The policy itself refuses a javascript: link, should one ever be written into a page.
        browser.open(pages[0].as_uri())
        browser.log()
        browser.run("const a = document.createElement('a'); a.id = 'planted'; a.textContent = 'x';"
                    "a.href = \"javascript:document.title='pwned-planted'\"; document.body.prepend(a)")
        browser.click_all("#planted")
        assert not browser.run("return document.title").startswith("pwned")
        assert any("Content Security Policy" in line for line in browser.log())
        # ... while the site's own script runs: hovering a number lights it.
        fact = browser.run("const m = document.querySelector('mark[data-facts]'); m.dispatchEvent("
                           "new Event('mouseenter')); return m.className")
        assert "lit" in fact
        assert not any("Refused to load" in line for line in browser.log())
    finally:
        browser.close()
