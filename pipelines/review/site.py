"""The review site's pages from the published warehouse's rows, and writing them to a folder.

``read_rows`` reads what the pages show; ``render_site`` turns those rows into files (path
relative to the site folder -> text), with no I/O; ``write_site`` writes the files that
changed and removes the pages of documents that are gone. Pages link to each other by
relative paths, so the folder works opened from disk and behind ``python -m http.server``.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import jinja2
import polars as pl

from pipelines.review import charts
from pipelines.review.numbers import number, usd
from pipelines.review.marks import lay_out
from pipelines.warehouse.published import query_frame

HERE = Path(__file__).parent
STATIC = ("review.css", "review.js")
STATUS_ORDER = {"conflict": 0, "corroborated": 1, "single": 2}
CHART_CLAIMS = 8  # claims drawn over time: conflicts first, then the most documents

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)

QUERIES = {
    "documents": """SELECT doc_id, source_file, title, author, publisher, url, published_at, saved_at, language,
                           body, parse_warnings FROM documents""",
    "facts": "SELECT * FROM numeric_facts ORDER BY doc_id, start_char",
    "claims": "SELECT * FROM claims",
    "claim_facts": "SELECT * FROM claim_facts",
    "quarantine": "SELECT source_file, stage, reason, detected_at FROM quarantine ORDER BY source_file",
}


@dataclass(frozen=True)
class ReviewRows:
    documents: pl.DataFrame
    facts: pl.DataFrame
    claims: pl.DataFrame
    claim_facts: pl.DataFrame
    quarantine: pl.DataFrame


@dataclass(frozen=True)
class SiteWrite:
    folder: Path
    files: int
    written: int
    removed: int


def read_rows(con: duckdb.DuckDBPyConnection) -> ReviewRows:
    return ReviewRows(**{name: query_frame(con, sql) for name, sql in QUERIES.items()})


def span(low: float | None, high: float | None, render=number) -> str:
    if low is None:
        return ""
    return render(low) if high is None or high == low else f"{render(low)} – {render(high)}"


def interval(low: float | None, high: float | None, qualifier: str) -> str:
    """The values a fact allows; an open end (over, under, up to) has no bound on one side."""
    if low is None and high is None:
        return "any"
    if high is None:
        return f"{'>' if qualifier == 'over' else '≥'} {number(low)}"
    if low is None:
        return f"{'<' if qualifier == 'under' else '≤'} {number(high)}"
    return span(low, high)


def claim_label(claim: dict) -> str:
    metric = claim["metric"] + (f" ({claim['aspect']})" if claim.get("aspect") else "")
    parts = [claim["subject"], metric, claim.get("topic") or "", str(claim["year"]) if claim.get("year") else ""]
    return " · ".join(p for p in parts if p)


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else ""


def _fact_view(fact: dict, claims: list[dict]) -> dict:
    value = span(fact["value"], fact["value_high"])
    worth = span(fact["value_usd"], fact["value_high_usd"], usd) if fact["unit"] != "USD" else ""
    about = [("value", f"{value} {fact['unit']}"), ("in USD", worth), ("subject", fact["subject"] or ""),
             ("metric", fact["metric"] or ""), ("topic", fact["topic"] or ""), ("year", fact["year"] or ""),
             ("qualifier", fact["qualifier"]), ("category", fact["category"])]
    return {**fact, "value_shown": value, "usd_shown": worth, "claims": claims,
            "tooltip": " · ".join(f"{k}: {v}" for k, v in about if v not in ("", None))}


def _document_view(doc: dict, facts: list[dict]) -> dict:
    shared = sum(1 for f in facts if any(c["status"] != "single" for c in f["claims"]))
    return {**doc, "published": _day(doc["published_at"]), "saved": _day(doc["saved_at"]), "facts": facts,
            "page": f"docs/{doc['doc_id']}.html", "facts_in_shared_claims": shared}


def _newest_first(doc: dict) -> tuple:
    published = doc["published_at"]
    return (published is None, -published.timestamp() if published else 0.0, doc["source_file"])


def _claim_views(rows: ReviewRows, docs: dict[str, dict], facts: dict[str, dict]) -> list[dict]:
    members: dict[str, list[dict]] = defaultdict(list)
    for link in rows.claim_facts.iter_rows(named=True):
        fact, doc = facts[link["fact_id"]], docs[link["doc_id"]]
        members[link["claim_id"]].append({"fact": fact, "doc": doc, "interval": interval(
            link["interval_low"], link["interval_high"], fact["qualifier"])})
    views = []
    for claim in rows.claims.iter_rows(named=True):
        stated = sorted(members[claim["claim_id"]], key=lambda m: (m["doc"]["published_at"] or datetime.max,
                                                                   m["doc"]["doc_id"], m["fact"]["start_char"]))
        views.append({**claim, "label": claim_label(claim), "facts_list": stated,
                      "range": span(claim["value_low"], claim["value_high"]),
                      "range_usd": span(claim["value_low_usd"], claim["value_high_usd"], usd)})
    views.sort(key=lambda c: (STATUS_ORDER[c["status"]], -c["documents"], -c["facts"], c["label"]))
    return views


def _charts(rows: ReviewRows, claims: list[dict]) -> dict[str, str]:
    drawn = {}
    if rows.facts.height:
        counts = rows.facts.group_by("category").len().iter_rows()
        drawn["categories"] = charts.facts_by_category(list(counts))
    series = [charts.ClaimSeries(c["label"], c["unit"], c["status"],
                                 [(m["doc"]["published_at"], m["fact"]["value"], m["fact"]["value_high"]
                                   or m["fact"]["value"]) for m in c["facts_list"] if m["doc"]["published_at"]])
              for c in claims if c["status"] != "single"][:CHART_CLAIMS]
    series = [s for s in series if s.points]
    if series:
        drawn["claims"] = charts.claims_over_time(series)
    return drawn


def render_site(rows: ReviewRows, *, warehouse: str) -> dict[str, str]:
    """Every file of the site: ``index.html``, ``claims.html``, ``docs/<doc_id>.html``, styles."""
    claims_of: dict[str, list[dict]] = defaultdict(list)
    claim_status = {c["claim_id"]: c for c in rows.claims.iter_rows(named=True)}
    for link in rows.claim_facts.iter_rows(named=True):
        claim = claim_status[link["claim_id"]]
        claims_of[link["fact_id"]].append({"claim_id": claim["claim_id"], "status": claim["status"],
                                           "label": claim_label(claim)})
    facts_of: dict[str, list[dict]] = defaultdict(list)
    facts: dict[str, dict] = {}
    for fact in rows.facts.iter_rows(named=True):
        view = _fact_view(fact, claims_of[fact["fact_id"]])
        facts_of[fact["doc_id"]].append(view)
        facts[fact["fact_id"]] = view
    docs = {d["doc_id"]: _document_view(d, facts_of[d["doc_id"]]) for d in rows.documents.iter_rows(named=True)}
    ordered = sorted(docs.values(), key=_newest_first)
    claims = _claim_views(rows, docs, facts)
    shared = {"warehouse": warehouse, "totals": {
        "documents": len(docs), "facts": len(facts), "quarantined": rows.quarantine.height,
        "claims": Counter(c["status"] for c in claims)}}
    pages = {
        "index.html": _ENV.get_template("index.html.j2").render(
            **shared, root="", documents=ordered, languages=Counter(d["language"] for d in ordered).most_common(),
            quarantine=list(rows.quarantine.iter_rows(named=True)), charts=_charts(rows, claims)),
        "claims.html": _ENV.get_template("claims.html.j2").render(
            **shared, root="", claims=[c for c in claims if c["status"] != "single"],
            singles=sum(1 for c in claims if c["status"] == "single")),
    }
    page = _ENV.get_template("document.html.j2")
    for doc in ordered:
        layout = lay_out(doc["body"] or "", doc["facts"])
        pages[doc["page"]] = page.render(**shared, root="../", doc=doc, segments=layout.segments,
                                         unplaced=layout.unplaced)
    for name in STATIC:
        pages[name] = (HERE / "static" / name).read_text(encoding="utf-8")
    return pages


def _write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)  # a reader never sees half a page
    return True


def write_site(pages: dict[str, str], folder: Path) -> SiteWrite:
    """Write the pages that changed; remove document pages no longer in ``pages``."""
    written = sum(_write_if_changed(folder / name, text) for name, text in pages.items())
    removed = 0
    for stale in sorted((folder / "docs").glob("*.html")):
        if f"docs/{stale.name}" not in pages:
            stale.unlink()
            removed += 1
    return SiteWrite(folder=folder, files=len(pages), written=written, removed=removed)
