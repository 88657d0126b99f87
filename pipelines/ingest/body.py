"""The cleaned body that facts point into: Markdown and page chrome taken out.

Belongs here: removing images, link targets and bare URLs (keeping link text), emphasis
and heading marks, and moving page-chrome counters (followers, views, upvotes, comments)
out of the text into metrics. The patterns come from ``page_chrome.yaml``. Not here:
document headers (``records.py``).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

# Linear time on any line: a bracket's text cannot hold another opening bracket and a link
# target cannot hold another "(", so each scan stops at the next candidate instead of running
# to the end of the line from every "[" (which made a line of "[" quadratic).
_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*\)")
_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\n]*\)")
# A URL is ASCII; it stops at white space, CJK text, brackets and quotes.
_URL = re.compile(r"(?:https?://|ftp://|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+,;=%\\]+", re.IGNORECASE)
# The emphasised text may not contain its own delimiter: each opening scans to the next
# delimiter at most (linear), not to the end of the line.
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_HEADING = re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+")
_BLANK_RUN = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class ChromeMetric:
    name: str  # the document column the count goes to
    pattern: re.Pattern[str]
    cues: tuple[str, ...]  # every match holds one of these words

    def found_in(self, text: str) -> bool:
        """Whether the pattern can match ``text`` at all (a substring search, far cheaper)."""
        return any(cue in text for cue in self.cues)


@dataclass(frozen=True)
class PageChrome:
    metrics: tuple[ChromeMetric, ...]
    drop_lines: frozenset[str]
    drop_line: re.Pattern[str]  # every drop-line pattern in one alternation
    original_url_link: re.Pattern[str]
    url_keys: tuple[str, ...]
    unknown_authors: frozenset[str]


@functools.cache
def load_page_chrome() -> PageChrome:
    raw = importlib.resources.files("pipelines.ingest").joinpath("page_chrome.yaml").read_text("utf-8")
    data = yaml.safe_load(raw)
    link_texts = "|".join(re.escape(t) for t in data["original_url_link_texts"])
    return PageChrome(
        metrics=tuple(ChromeMetric(m["metric"], re.compile(m["pattern"]), tuple(m["cues"])) for m in data["metrics"]),
        drop_lines=frozenset(data["drop_lines"]),
        drop_line=re.compile("|".join(f"(?:{p})" for p in data["drop_line_patterns"])),
        original_url_link=re.compile(rf"\[(?:{link_texts})\]\((?P<url>[^)\s]+)\)", re.IGNORECASE),
        url_keys=tuple(data["url_keys"]),
        unknown_authors=frozenset(a.lower() for a in data["unknown_authors"]),
    )


def find_original_url(markdown: str) -> str | None:
    """The target of a 'Read Original' style link, if the clipper left one."""
    match = load_page_chrome().original_url_link.search(markdown)
    return match.group("url") if match else None


# Each rewrite of strip_markdown, in order, with a test that a text may hold a match (a string
# every match holds: a substring search in C spares the pattern's own scan of most texts).
_MARKDOWN_REWRITES: tuple[tuple[re.Pattern[str], str, Callable[[str], bool]], ...] = (
    (_IMAGE, "", lambda text: "![" in text),
    (_LINK, r"\1", lambda text: "](" in text),
    (_URL, "", lambda text: "://" in text or "www." in text.lower()),  # the pattern ignores case
    (_EMPHASIS, r"\2", lambda text: "**" in text or "__" in text),
    (_ESCAPE, r"\1", lambda text: "\\" in text),
    (_HEADING, "", lambda text: "#" in text),
)


def strip_markdown(text: str) -> str:
    """Images and URLs out, link text kept, emphasis and heading marks removed."""
    for pattern, replacement, may_match in _MARKDOWN_REWRITES:
        if may_match(text):
            text = pattern.sub(replacement, text)
    return text


def take_page_chrome(text: str) -> tuple[str, dict[str, int]]:
    """Cut page-chrome counters and UI labels out of the text; return the counters."""
    chrome = load_page_chrome()
    metrics: dict[str, int] = {}
    for metric in chrome.metrics:
        if not metric.found_in(text):
            continue

        def _take(match: re.Match[str], name: str = metric.name) -> str:
            metrics[name] = metrics.get(name, 0) + int(match.group("n").replace(",", ""))
            return ""

        text = metric.pattern.sub(_take, text)
    kept = []
    drop_lines, drop_line = chrome.drop_lines, chrome.drop_line.match
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped in drop_lines or drop_line(stripped):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept), metrics


def clean_body(text: str) -> tuple[str, dict[str, int]]:
    """The body facts point into, and the page-chrome counters taken out of it."""
    body, metrics = take_page_chrome(strip_markdown(text))
    if "\n\n\n" in body:
        body = _BLANK_RUN.sub("\n\n", body)
    body = body.strip()
    return body, metrics
