"""A saved web page (HTML) read as an article: its text without the page around it.

A page saved from a browser holds the article inside navigation, scripts, related links and
footers, and its title three times over (``<title>``, ``og:title``, ``<h1>``). Reading it as
plain text would make facts of all of it. trafilatura (a maintained main-text and metadata
extractor, with htmldate for publication dates) finds the article's blocks and its title,
author, date, site name and address; each block becomes a paragraph of the body, which is
what facts' spans point into.
"""

from __future__ import annotations

import re

from pipelines.ingest.errors import RejectedFile

# A file is a web page, whatever its name, when its text starts with a tag (after blank lines)
# and its head holds a doctype or an <html>, <head> or <body> tag: saved pages may open with
# an XML prolog, a comment or a stray <script> before the document proper.
_STARTS_WITH_TAG = re.compile(r"\A\s*<[!?a-zA-Z]")
_PAGE_TAG = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)


def is_html(text: str) -> bool:
    head = text[:4096]
    return _STARTS_WITH_TAG.match(head) is not None and _PAGE_TAG.search(head) is not None


def parse_html(text: str) -> dict:
    """The document fields of a web page; ``RejectedFile`` when it holds no article text."""
    import trafilatura  # imported when a page is read: it and its date parser take a second to load

    try:
        # No deduplicate: trafilatura's is a cache across calls, so a page read twice in one
        # process (a re-run, a test) would lose its text the second time.
        page = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, include_tables=True,
                                           include_images=False, deduplicate=False)
    except Exception as exc:  # noqa: BLE001 - a page the extractor cannot read is quarantined, not fatal
        raise RejectedFile("parse", f"web page cannot be read: {type(exc).__name__}: {exc}") from exc
    if page is None or not (page.text or "").strip():
        raise RejectedFile("parse", "web page without article text (navigation, scripts or an empty page only)")
    # One block per line; a blank line between blocks makes each a paragraph, as in Markdown.
    body = "\n\n".join(line.strip() for line in page.text.split("\n") if line.strip())
    return {"format": "html", "title": page.title, "author": page.author, "publisher": page.sitename,
            "url": page.url, "published_at": page.date, "raw_body": body}
