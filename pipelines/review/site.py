"""The review site's pages from the published warehouse's rows, and writing them to a folder.

``read_rows`` reads what the pages show (every row but the documents' bodies);
``render_site`` turns those rows into files (path relative to the site folder -> text);
``write_site`` writes the files that changed and removes the pages of documents that are
gone. Pages link to each other by relative paths, so the folder works opened from disk and
behind ``python -m http.server``.

Incremental: a document page has a key (a digest of everything it shows and of the
renderer's own files), kept in the folder's manifest; a page whose key did not change is not
rendered again, and bodies are fetched, in batches, only for the pages that are. So a run
that changed nothing costs the index and claims pages, not one page per document, and
memory holds one batch of bodies. The index is paged and the claims page lists the claims
that matter most first, up to a cap (the rest are in the ``claims`` table and views).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import jinja2
import polars as pl

from pipelines.review import charts
from pipelines.review.numbers import number, usd
from pipelines.parallel import worker_pool
from pipelines.review.marks import lay_out
from pipelines.warehouse.published import query_frame

HERE = Path(__file__).parent
STATIC = ("review.css", "review.js")
STATUS_ORDER = {"conflict": 0, "corroborated": 1, "single": 2}
CHART_CLAIMS = 8  # claims drawn over time: conflicts first, then the most documents
CLAIMS_LISTED = 300  # on the claims page, conflicts first
FACTS_PER_CLAIM = 12  # facts shown under one claim on the claims page
DOCUMENTS_PER_INDEX_PAGE = 1000
BODY_BATCH = 500  # document pages rendered per batch of bodies read
MANIFEST = ".pages.json"

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)

QUERIES = {
    "documents": """SELECT doc_id, source_file, content_sha256, title, author, publisher, url, published_at,
                           saved_at, language, parse_warnings FROM documents""",
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


@dataclass
class Site:
    """The files to write: ``pages`` now, ``document_pages`` as they are rendered; ``keys`` is
    every document page's key (the manifest), rendered or kept."""

    pages: dict[str, str]
    document_pages: Iterator[tuple[str, str]]
    keys: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteWrite:
    folder: Path
    files: int  # files the site has
    rendered: int  # document pages rendered this time (the others were unchanged)
    written: int  # files whose bytes changed
    removed: int


def read_rows(con: duckdb.DuckDBPyConnection) -> ReviewRows:
    return ReviewRows(**{name: query_frame(con, sql) for name, sql in QUERIES.items()})


def body_reader(con: duckdb.DuckDBPyConnection) -> Callable[[list[str]], dict[str, str]]:
    """Bodies of some documents by doc_id, read when their pages are rendered."""
    def bodies(doc_ids: list[str]) -> dict[str, str]:
        rows = con.execute("SELECT doc_id, body FROM documents WHERE list_contains(?, doc_id)", [doc_ids]).fetchall()
        return dict(rows)
    return bodies


def read_manifest(folder: Path) -> dict[str, str]:
    """The keys of the document pages a previous build wrote and that are still there."""
    try:
        keys = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {page: key for page, key in keys.items() if (folder / page).is_file()}


@functools.cache
def renderer_fingerprint() -> str:
    """A digest of the renderer's own files: a new template or style renders every page again."""
    digest = hashlib.sha256()
    for path in sorted(p for p in HERE.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".css", ".js")):
        digest.update(path.relative_to(HERE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


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


def _document_view(doc: dict, fact_count: int, shared: int) -> dict:
    return {**doc, "published": _day(doc["published_at"]), "saved": _day(doc["saved_at"]), "fact_count": fact_count,
            "page": f"docs/{doc['doc_id']}.html", "facts_in_shared_claims": shared}


def _fact_views(rows: ReviewRows, facts: pl.DataFrame) -> dict[str, dict]:
    """Views of some facts, each with the claims it states."""
    links = rows.claim_facts.join(facts.select("fact_id"), on="fact_id", how="semi")
    claims = {c["claim_id"]: c for c in rows.claims.join(links.select("claim_id"), on="claim_id", how="semi")
              .iter_rows(named=True)}
    claims_of: dict[str, list[dict]] = defaultdict(list)
    for fact_id, claim_id in links.select("fact_id", "claim_id").iter_rows():
        claim = claims[claim_id]
        claims_of[fact_id].append({"claim_id": claim_id, "status": claim["status"], "label": claim_label(claim)})
    return {f["fact_id"]: _fact_view(f, claims_of[f["fact_id"]]) for f in facts.iter_rows(named=True)}


def _text_of_rows(frame: pl.DataFrame, exclude: tuple[str, ...] = ()) -> pl.Expr:
    return pl.concat_str([pl.col(c).cast(pl.String).fill_null("\u2205") for c in frame.columns if c not in exclude],
                         separator="\x1f")


def page_keys(rows: ReviewRows, warehouse: str) -> dict[str, str]:
    """Each document's page key: a digest of its row, its facts' rows with the claims they state
    (id and status), the warehouse path and the renderer; computed by polars, not per fact in Python."""
    stated = (rows.claim_facts.join(rows.claims.select("claim_id", "status"), on="claim_id")
              .group_by("fact_id").agg(pl.concat_str("claim_id", "status", separator=":").sort().str.join(",")
                                       .alias("stated_claims")))
    facts = rows.facts.join(stated, on="fact_id", how="left")
    per_doc = (facts.select("doc_id", "start_char", _text_of_rows(facts).alias("text"))
               .sort("doc_id", "start_char", "text").group_by("doc_id").agg(pl.col("text").str.join("\x1e")))
    documents = rows.documents.drop("body", strict=False)
    signed = documents.select("doc_id", _text_of_rows(documents).alias("doc")).join(per_doc, on="doc_id", how="left")
    salt = f"{renderer_fingerprint()}\x1d{warehouse}\x1d"
    return {f"docs/{doc_id}.html": hashlib.sha256(f"{salt}{doc}\x1d{facts_text or ''}".encode()).hexdigest()[:32]
            for doc_id, doc, facts_text in signed.iter_rows()}


def _newest_first(doc: dict) -> tuple:
    published = doc["published_at"]
    return (published is None, -published.timestamp() if published else 0.0, doc["source_file"])


def _claim_order(claim: dict) -> tuple:
    return (STATUS_ORDER[claim["status"]], -claim["documents"], -claim["facts"], claim_label(claim))


def _claim_members(rows: ReviewRows, claim_ids: list[str]) -> pl.DataFrame:
    """The facts stating some claims, each with its document's publication date, in page order."""
    return (rows.claim_facts.filter(pl.col("claim_id").is_in(claim_ids))
            .join(rows.documents.select("doc_id", "published_at"), on="doc_id", how="left")
            .join(rows.facts.select("fact_id", "start_char", "value", "value_high"), on="fact_id")
            .sort("published_at", "doc_id", "start_char", nulls_last=True))


def _claim_views(rows: ReviewRows, docs: dict[str, dict], limit: int) -> list[dict]:
    """The first ``limit`` claims stated by several documents (conflicts first), each with its first
    ``FACTS_PER_CLAIM`` facts by publication date and its values per publication day (for the chart)."""
    listed = sorted((c for c in rows.claims.iter_rows(named=True) if c["status"] != "single"), key=_claim_order)
    listed = listed[:limit]
    members = _claim_members(rows, [c["claim_id"] for c in listed])
    shown = members.group_by("claim_id", maintain_order=True).head(FACTS_PER_CLAIM)
    facts = _fact_views(rows, rows.facts.join(shown.select("fact_id"), on="fact_id", how="semi"))
    stated: dict[str, list[dict]] = defaultdict(list)
    for link in shown.iter_rows(named=True):
        fact = facts[link["fact_id"]]
        stated[link["claim_id"]].append({"fact": fact, "doc": docs[link["doc_id"]], "interval": interval(
            link["interval_low"], link["interval_high"], fact["qualifier"])})
    counts = dict(members.group_by("claim_id").len().iter_rows())
    days = _per_day(members.filter(pl.col("claim_id").is_in([c["claim_id"] for c in listed[:CHART_CLAIMS]])))
    return [{**claim, "label": claim_label(claim), "facts_list": stated[claim["claim_id"]],
             "more_facts": counts.get(claim["claim_id"], 0) - len(stated[claim["claim_id"]]),
             "days": days.get(claim["claim_id"], []),
             "range": span(claim["value_low"], claim["value_high"]),
             "range_usd": span(claim["value_low_usd"], claim["value_high_usd"], usd)} for claim in listed]


def _per_day(members: pl.DataFrame) -> dict[str, list[tuple[datetime, float, float]]]:
    """Each claim's values per publication day (lowest, highest): one mark per day, however many facts."""
    daily = (members.filter(pl.col("published_at").is_not_null())
             .group_by("claim_id", pl.col("published_at").dt.truncate("1d").alias("day"))
             .agg(pl.col("value").min().alias("low"), pl.coalesce("value_high", "value").max().alias("high"))
             .sort("claim_id", "day"))
    days: dict[str, list[tuple[datetime, float, float]]] = defaultdict(list)
    for claim_id, day, low, high in daily.iter_rows():
        days[claim_id].append((day, low, high))
    return days


def _charts(rows: ReviewRows, claims: list[dict]) -> dict[str, str]:
    drawn = {}
    if rows.facts.height:
        counts = rows.facts.group_by("category").len().iter_rows()
        drawn["categories"] = charts.facts_by_category(list(counts))
    series = [charts.ClaimSeries(c["label"], c["unit"], c["status"], c["days"]) for c in claims[:CHART_CLAIMS]]
    series = [s for s in series if s.points]
    if series:
        drawn["claims"] = charts.claims_over_time(series)
    return drawn


def _index_pages(ordered: list[dict]) -> list[tuple[str, list[dict]]]:
    chunks = [ordered[i:i + DOCUMENTS_PER_INDEX_PAGE] for i in range(0, len(ordered), DOCUMENTS_PER_INDEX_PAGE)]
    return [("index.html" if n == 0 else f"index-{n + 1}.html", chunk) for n, chunk in enumerate(chunks or [[]])]


def render_document_page(page: tuple[dict, str, str]) -> tuple[str, str]:
    """(path, HTML) of one document's page from (its view with its facts, its body, the warehouse)."""
    doc, body, warehouse = page
    layout = lay_out(body, doc["facts"])
    return doc["page"], _ENV.get_template("document.html.j2").render(
        warehouse=warehouse, root="../", doc=doc, segments=layout.segments, unplaced=layout.unplaced)


def _document_pages(rows: ReviewRows, todo: list[dict], bodies: Callable[[list[str]], Mapping[str, str]],
                    warehouse: str, workers: int) -> Iterator[tuple[str, str]]:
    with worker_pool(workers, len(todo)) as pool:
        for start in range(0, len(todo), BODY_BATCH):  # one batch of bodies in memory at a time
            batch = todo[start:start + BODY_BATCH]
            ids = [doc["doc_id"] for doc in batch]
            texts = bodies(ids)
            facts_of: dict[str, list[dict]] = defaultdict(list)
            for view in _fact_views(rows, rows.facts.filter(pl.col("doc_id").is_in(ids))).values():
                facts_of[view["doc_id"]].append(view)
            pages = [({**doc, "facts": sorted(facts_of[doc["doc_id"]], key=lambda f: f["start_char"])},
                      texts.get(doc["doc_id"]) or "", warehouse) for doc in batch]
            yield from pool.map(render_document_page, pages)


def render_site(rows: ReviewRows, *, warehouse: str, previous: Mapping[str, str] | None = None,
                bodies: Callable[[list[str]], Mapping[str, str]] | None = None, workers: int = 1) -> Site:
    """The site's files: the index pages, ``claims.html``, styles, and the document pages whose
    key is not in ``previous`` (a manifest: page -> key), rendered lazily, over ``workers``
    processes, with ``bodies`` (doc_ids -> body; default: the ``body`` column of ``rows.documents``)."""
    if bodies is None:
        by_id = dict(rows.documents.select("doc_id", "body").iter_rows())
        bodies = lambda ids: {i: by_id[i] for i in ids}  # noqa: E731
    counts = dict(rows.facts.group_by("doc_id").len().iter_rows())
    several = rows.claims.filter(pl.col("status") != "single").select("claim_id")
    shared_facts = rows.claim_facts.join(several, on="claim_id").select("doc_id", "fact_id").unique()
    shared = dict(shared_facts.group_by("doc_id").len().iter_rows())
    documents = rows.documents.drop("body", strict=False)
    docs = {d["doc_id"]: _document_view(d, counts.get(d["doc_id"], 0), shared.get(d["doc_id"], 0))
            for d in documents.iter_rows(named=True)}
    ordered = sorted(docs.values(), key=_newest_first)
    claims = _claim_views(rows, docs, CLAIMS_LISTED)
    statuses = Counter(rows.claims["status"].to_list())
    totals = {"documents": len(docs), "facts": rows.facts.height, "quarantined": rows.quarantine.height,
              "claims": statuses}
    common = {"warehouse": warehouse, "totals": totals}
    index_pages = _index_pages(ordered)
    several = statuses["conflict"] + statuses["corroborated"]
    pages = {
        "claims.html": _ENV.get_template("claims.html.j2").render(
            **common, root="", claims=claims, more_claims=several - len(claims),
            singles=statuses["single"]),
    }
    index = _ENV.get_template("index.html.j2")
    for number_, (name, chunk) in enumerate(index_pages, start=1):
        pages[name] = index.render(
            **common, root="", documents=chunk, page_number=number_, index_pages=[n for n, _ in index_pages],
            languages=Counter(d["language"] for d in ordered).most_common(),
            quarantine=list(rows.quarantine.iter_rows(named=True)) if number_ == 1 else [],
            charts=_charts(rows, claims) if number_ == 1 else {})
    for name in STATIC:
        pages[name] = (HERE / "static" / name).read_text(encoding="utf-8")
    keys = page_keys(rows, warehouse)
    todo = [doc for doc in ordered if (previous or {}).get(doc["page"]) != keys[doc["page"]]]
    return Site(pages=pages, keys=keys, document_pages=_document_pages(rows, todo, bodies, warehouse, workers))


def _write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)  # a reader never sees half a page
    return True


def write_site(site: Site, folder: Path) -> SiteWrite:
    """Write the pages that changed and the manifest; remove pages no longer in the site."""
    written = sum(_write_if_changed(folder / name, text) for name, text in site.pages.items())
    rendered = 0
    for name, text in site.document_pages:
        rendered += 1
        written += _write_if_changed(folder / name, text)
    _write_if_changed(folder / MANIFEST, json.dumps(site.keys, sort_keys=True, indent=0))
    removed = 0
    for stale in sorted([*(folder / "docs").glob("*.html"), *folder.glob("index-*.html")]):
        name = stale.relative_to(folder).as_posix()
        if name not in site.keys and name not in site.pages:
            stale.unlink()
            removed += 1
    return SiteWrite(folder=folder, files=len(site.pages) + len(site.keys), rendered=rendered, written=written,
                     removed=removed)
