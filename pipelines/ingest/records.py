"""One seed file to one document record: ``parse_document(source_file, data) -> Document``.

Belongs here: recognising the file's shape (a PDF, a saved web page, Markdown with YAML
front matter, plain text with a publisher line, blog with an author line, news with an
editor line and related headlines, or untitled plain text), reading its header fields, and
assembling the record with its cleaned body and languages (``html.py`` and ``pdf.py`` read
the article out of a page or a PDF). Header patterns live in ``shapes.yaml``. Raises
``RejectedFile`` for a file that cannot be a document.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.resources
import re
from dataclasses import dataclass, field

import frontmatter
import yaml

from pipelines.ingest.body import clean_body, find_original_url, load_page_chrome
from pipelines.ingest.decode import decode_bytes
from pipelines.ingest.errors import RejectedFile
from pipelines.ingest.front_matter import FrontMatterError, SafeYAMLHandler
from pipelines.ingest.html import is_html, parse_html
from pipelines.ingest.language import detect_language
from pipelines.ingest.links import http_link
from pipelines.ingest.pdf import is_pdf, parse_pdf

METRICS = ("followers_count", "views_count", "upvotes_count", "comments_count")
_FRONT_MATTER_OPEN = re.compile(r"\A---[ \t]*\n")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


@dataclass(frozen=True)
class Document:
    doc_id: str
    source_file: str
    content_sha256: str
    format: str
    title: str
    body: str
    language: str
    title_language: str
    author: str | None = None
    publisher: str | None = None
    editor: str | None = None
    url: str | None = None
    source_id: str | None = None
    published_at: dt.datetime | None = None
    saved_at: dt.datetime | None = None
    related_headlines: str | None = None
    parse_warnings: str | None = None
    metrics: dict[str, int] = field(default_factory=dict)


def doc_id_for(source_file: str) -> str:
    """A document's key: stable for a path, so a re-ingest of the same file keeps it."""
    return hashlib.sha256(f"document:{source_file}".encode()).hexdigest()[:16]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def _shapes() -> dict:
    raw = importlib.resources.files("pipelines.ingest").joinpath("shapes.yaml").read_text("utf-8")
    data = yaml.safe_load(raw)
    return {
        "headers": [(h["format"], re.compile(h["pattern"])) for h in data["headers"]],
        "editor_line": re.compile(data["editor_line"]),
        "related_item": re.compile(data["related_item"]),
    }


# The dates an article can carry: outside them a date is a typo or a placeholder (0001-01-01,
# 9999-12-31), and as a publication date it would break every sort and chart by date.
EARLIEST_DATE = dt.datetime(1900, 1, 1)
LATEST_DATE = dt.datetime(2100, 12, 31, 23, 59, 59)


def parse_timestamp(value: object, name: str = "date", warnings: list[str] | None = None) -> dt.datetime | None:
    """YAML dates and ``YYYY-MM-DD[ HH:MM[:SS]]`` strings to a naive timestamp; a value that
    is no date (2024-02-30), or one outside 1900-2100, is None, with a warning added to
    ``warnings``."""
    parsed = _timestamp(value)
    if parsed is None and value not in (None, "") and warnings is not None:
        warnings.append(f"{name} {str(value)[:40]!r} is not a date: left empty")
    if parsed is not None and not EARLIEST_DATE <= parsed <= LATEST_DATE:
        if warnings is not None:
            warnings.append(f"{name} {parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d} is outside 1900-2100: "
                            "left empty")
        return None
    return parsed


def _timestamp(value: object) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    match = _DATE.search(str(value))
    if not match:
        return None
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        return dt.datetime(*parts)
    except ValueError:
        return None


_SCALARS = (str, int, float, dt.date)


def web_address(address: str | None, warnings: list[str]) -> str | None:
    """The document's address when it is an http(s) one; any other (``javascript:``, ``data:``,
    a bare word) is left out with a warning, so no reader of ``documents.url`` links it."""
    if address is None or http_link(address):
        return address
    warnings.append(f"url {address[:60]!r} is not an http(s) address: left empty")
    return None


def _text_field(value: object, name: str = "field", warnings: list[str] | None = None) -> str | None:
    """A header value as one line of text. Scalars become their text, a list of scalars is
    joined with "; "; anything else (a mapping, binary data) is no text: None, with a warning."""
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, _SCALARS) for v in value):
        value = "; ".join(str(v) for v in value)
    if not isinstance(value, _SCALARS) or isinstance(value, bool):
        if warnings is not None:
            warnings.append(f"{name} is a {type(value).__name__}, not text: left empty")
        return None
    text = " ".join(str(value).split())
    return text or None


def _parse_markdown(text: str) -> dict:
    warnings: list[str] = []
    try:
        post = frontmatter.loads(text, handler=SafeYAMLHandler())
    except FrontMatterError as exc:
        raise RejectedFile("parse", f"refused front matter: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RejectedFile("parse", f"broken front matter: {' '.join(str(exc).split())}") from exc
    except (ValueError, TypeError) as exc:
        raise RejectedFile("parse", f"broken front matter: {exc}") from exc
    if not isinstance(post.metadata, dict) or (not post.metadata and _FRONT_MATTER_OPEN.match(text)):
        raise RejectedFile("parse", "broken front matter: the block between '---' lines is not a YAML mapping")
    meta = post.metadata
    chrome = load_page_chrome()
    content = post.content
    # Clippers repeat front-matter fields as "key: value" lines at the top of the body.
    echoed = re.compile(rf"(?m)^(?:{'|'.join(re.escape(str(k)) for k in meta)}):[ \t].*$") if meta else None
    if echoed:
        content = echoed.sub("", content)
    url_key = next((k for k in chrome.url_keys if meta.get(k)), None)
    url = web_address((_text_field(meta[url_key], url_key, warnings) if url_key else None)
                      or find_original_url(content), warnings)
    author = _text_field(meta.get("author"), "author", warnings)
    return {
        "format": "markdown",
        "title": _text_field(meta.get("title"), "title", warnings),
        "author": None if author is None or author.lower() in chrome.unknown_authors else author,
        "url": url,
        "source_id": _text_field(meta.get("id"), "id", warnings),
        "published_at": parse_timestamp(meta.get("date_published") or meta.get("date"), "date_published", warnings),
        "saved_at": parse_timestamp(meta.get("date_saved"), "date_saved", warnings),
        "publisher": _text_field(meta.get("site_name") or meta.get("publisher"), "publisher", warnings),
        "raw_body": content,
        "warnings": warnings,
    }


def _parse_plain(text: str) -> dict:
    shapes = _shapes()
    lines = text.split("\n")
    non_empty = [i for i, line in enumerate(lines) if line.strip()]
    title_at = non_empty[0]
    fields: dict = {"format": "text", "title": lines[title_at].strip(), "warnings": []}
    body_from = title_at + 1
    if len(non_empty) > 1:
        header_line = lines[non_empty[1]].strip()
        for fmt, pattern in shapes["headers"]:
            match = pattern.match(header_line)
            if match:
                groups = {k: v for k, v in match.groupdict().items() if v}
                fields["format"] = fmt
                fields["published_at"] = parse_timestamp(groups.pop("date", None), "date", fields["warnings"])
                if "comments_count" in groups:
                    fields["metrics"] = {"comments_count": int(groups.pop("comments_count").replace(",", ""))}
                fields.update({k: _text_field(v) for k, v in groups.items()})
                body_from = non_empty[1] + 1
                break
    body_lines = lines[body_from:]
    for i, line in enumerate(body_lines):
        editor = shapes["editor_line"].match(line.strip())
        if editor:
            related = []
            for rest in body_lines[i + 1 :]:
                item = shapes["related_item"].match(rest)
                if item:
                    related.append(item.group("headline"))
            fields.update(format="news" if fields["format"] == "text" else fields["format"])
            fields["editor"] = editor.group("editor")
            fields["related_headlines"] = "\n".join(related) or None
            body_lines = body_lines[:i]
            break
    fields["raw_body"] = "\n".join(body_lines)
    if len(non_empty) == 1:  # a file of one line: it is the title and the body both
        fields["raw_body"] = lines[title_at]
    return fields


def _parse_page(fields: dict) -> dict:
    """A web page's or PDF's fields (``html.py``, ``pdf.py``) as document fields, checked like
    front matter's: dates read, addresses only http(s), text fields text."""
    warnings: list[str] = []
    return {**fields, "title": _text_field(fields.get("title"), "title", warnings),
            "author": _text_field(fields.get("author"), "author", warnings),
            "publisher": _text_field(fields.get("publisher"), "publisher", warnings),
            "url": web_address(_text_field(fields.get("url"), "url", warnings), warnings),
            "published_at": parse_timestamp(fields.get("published_at"), "date", warnings),
            "saved_at": parse_timestamp(fields.get("saved_at"), "saved", warnings),
            "warnings": warnings}


def _fields(data: bytes) -> tuple[dict, tuple[str, ...]]:
    """The document fields of a file by its shape (PDF, web page, Markdown with front matter,
    plain text), and what decoding it repaired."""
    if is_pdf(data):
        return _parse_page(parse_pdf(data)), ()
    decoded = decode_bytes(data)
    text = decoded.text
    if is_html(text):
        return _parse_page(parse_html(text)), decoded.warnings
    return (_parse_markdown(text) if _FRONT_MATTER_OPEN.match(text) else _parse_plain(text)), decoded.warnings


def parse_document(source_file: str, data: bytes) -> Document:
    """Parse one file. Raises ``RejectedFile`` when it cannot be a document."""
    fields, repaired = _fields(data)
    warnings = [*repaired, *fields.pop("warnings")]
    body, chrome_metrics = clean_body(fields.pop("raw_body"))
    if not body:
        raise RejectedFile("parse", "no body text after removing markup and page chrome")
    metrics = {**fields.pop("metrics", {}), **chrome_metrics}
    title = fields.pop("title", None) or body.split("\n", 1)[0].strip()[:200]
    return Document(
        doc_id=doc_id_for(source_file),
        source_file=source_file,
        content_sha256=sha256_hex(data),
        title=title,
        body=body,
        language=detect_language(body),
        title_language=detect_language(title),
        metrics={k: metrics[k] for k in METRICS if k in metrics},
        parse_warnings="; ".join(warnings) or None,
        **fields,
    )
