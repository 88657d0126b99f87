"""A PDF read as an article: its text layer, page by page, with its lines joined into paragraphs.

pdfminer.six (a maintained PDF text extractor) lays out each page into lines with their
positions. A PDF breaks every paragraph into lines, so a number and its unit can sit on two
lines ("8.4" / "percent"); lines are joined back into paragraphs where the gap to the next
line is a line gap, and a paragraph ends where the gap is wider (web pages printed to PDF
and reports both space their paragraphs so). Pages are paragraphs of the body in order; the
publication date is the one its opening paragraphs state (htmldate), the PDF's own creation
date is when it was saved. A scanned PDF has pages but no text layer: it is quarantined as
exactly that, and so is one that cannot be opened.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import re
import statistics

from pipelines.ingest.errors import RejectedFile

# PDF 1.7, 7.5.2: the header may follow up to 1,024 bytes of anything.
_HEADER = re.compile(rb"%PDF-\d")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")  # CJK: lines join without a space
# A gap between two lines wider than this many times the page's usual one starts a paragraph.
_PARAGRAPH_GAP = 1.5
_DATE_SEARCH_CHARS = 2000  # where a byline's date is: the opening paragraphs, before related links and footers
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?")


def is_pdf(data: bytes) -> bool:
    return _HEADER.search(data[:1024 + 8]) is not None


def _joined(left: str, right: str) -> str:
    if left.endswith("-") and left[-2:-1].isalpha():  # a word broken at a hyphen ("high-" / "quality")
        return left + right
    return left + ("" if _WIDE.match(left[-1:]) or _WIDE.match(right[:1]) else " ") + right


def _paragraphs(lines: list) -> list[str]:
    """The lines of one page (pdfminer text lines, in reading order) joined into paragraphs."""
    gaps = [upper.y0 - lower.y1 for upper, lower in zip(lines, lines[1:]) if upper.y0 >= lower.y1]
    usual = statistics.median(gaps) if gaps else 0.0
    paragraphs: list[str] = []
    for previous, line in zip([None, *lines], lines):
        text = " ".join(line.get_text().split())
        gap = None if previous is None else previous.y0 - line.y1
        if paragraphs and gap is not None and 0 <= gap <= usual * _PARAGRAPH_GAP + 1:
            paragraphs[-1] = _joined(paragraphs[-1], text)
        else:
            paragraphs.append(text)
    return paragraphs


def _text_lines(page) -> list:
    from pdfminer.layout import LTTextContainer, LTTextLine

    return [line for box in page if isinstance(box, LTTextContainer)
            for line in (box if not isinstance(box, LTTextLine) else [box])
            if isinstance(line, LTTextLine) and line.get_text().strip()]


def _info_text(value: object) -> str | None:
    from pdfminer.utils import decode_text

    if isinstance(value, bytes):
        value = decode_text(value)
    value = str(value).strip() if value is not None else ""
    return value or None


def _info_date(value: object) -> dt.datetime | None:
    match = _PDF_DATE.match(_info_text(value) or "")
    if not match:
        return None
    parts = [int(part) if part else default for part, default in zip(match.groups(), (0, 1, 1, 0, 0, 0))]
    try:
        return dt.datetime(*parts)
    except ValueError:
        return None


def parse_pdf(data: bytes) -> dict:
    """The document fields of a PDF; ``RejectedFile`` when it cannot be read or has no text layer."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # it warns per glyph of fonts it cannot measure
    try:
        info = PDFDocument(PDFParser(io.BytesIO(data))).info
        pages = [_paragraphs(_text_lines(page)) for page in extract_pages(io.BytesIO(data), laparams=LAParams())]
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds; the file is quarantined with why
        raise RejectedFile("parse", f"PDF cannot be read: {type(exc).__name__}: {exc}"[:300]) from exc
    if not any(pages):
        raise RejectedFile("parse", f"scanned PDF without a text layer ({len(pages)} pages, no text): "
                           "run OCR on it to read its numbers")
    meta = info[0] if info else {}
    paragraphs = [paragraph for page in pages for paragraph in page]
    return {"format": "pdf", "title": _info_text(meta.get("Title")), "author": _info_text(meta.get("Author")),
            "published_at": _stated_date(paragraphs),
            "saved_at": _info_date(meta.get("CreationDate")),  # when the PDF was made (a page printed: saved)
            "raw_body": "\n\n".join(paragraphs)}


def _stated_date(paragraphs: list[str]) -> str | None:
    """The publication date the first page states (a byline's "April 18, 2025", "时间：2019-09-25"),
    found by htmldate (trafilatura's date finder) in its opening paragraphs; None when none is.
    A PDF's own creation date is when it was printed, not when the article was published."""
    from htmldate import find_date

    head, size = [], 0
    for paragraph in paragraphs:
        if size > _DATE_SEARCH_CHARS:
            break
        head.append(f"<p>{html.escape(paragraph)}</p>")
        size += len(paragraph)
    return find_date(f"<html><body>{''.join(head)}</body></html>", extensive_search=True, original_date=True,
                     outputformat="%Y-%m-%d")
