"""The review site's pages from the published warehouse's rows, and writing them to a folder.

``render_site`` turns the warehouse's rows (read by ``queries.WarehouseRows``, each query as
small as its page needs) into files (path relative to the site folder -> text);
``write_site`` writes the files that changed and removes the pages of documents that are
gone. Pages link to each other by relative paths, so the folder works opened from disk and
behind ``python -m http.server``.

Incremental: a document page has a key (a digest of everything it shows and of the
renderer's own files), kept in the folder's manifest; a page whose key did not change is not
rendered again, and facts and bodies are read, in batches, only for the pages that are. So a run
that changed nothing costs the index and claims pages, not one page per document, and
memory holds two batches of bodies (the one being rendered, the next being read). The index
is paged and the claims page lists the claims that matter most first, up to a cap (the rest
are in the ``claims`` table and views).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import jinja2
import polars as pl
from markupsafe import Markup

from pipelines.ingest.links import http_link
from pipelines.parallel import worker_pool
from pipelines.review import charts
from pipelines.review.fragments import body_html, fact_cards_html, status_badge
from pipelines.review.marks import lay_out
from pipelines.review.numbers import number, usd
from pipelines.review.queries import WarehouseRows

HERE = Path(__file__).parent
STATIC = ("review.css", "review.js")
CHART_CLAIMS = 8  # claims drawn over time: conflicts first, then the most documents
CLAIMS_LISTED = 300  # on the claims page, conflicts first
FACTS_PER_CLAIM = 12  # facts shown under one claim on the claims page
DOCUMENTS_PER_INDEX_PAGE = 1000
BODY_BATCH = 2000  # document pages read per batch of bodies and facts
# A page shows at most this much of a body and the facts in it (about 1 MB of HTML): a 20 MB
# file of dense figures made a 623 MB page no browser opens. The page says what it left out.
PAGE_BODY_CHARS = 300_000
PAGE_CHUNK = 100  # document pages a worker renders per task
MANIFEST = ".pages.json"
T = TypeVar("T")

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_ENV.globals["status"] = lambda name: Markup(status_badge(name))  # one badge for the templates and the cards


@dataclass
class Site:
    """The files to write: ``pages`` now, the document pages as they are rendered (their text,
    or written by the workers that render them); ``keys`` is every document page's key (the
    manifest), rendered or kept."""

    pages: dict[str, str]
    render_documents: Callable[[Callable[[PageChunk], list]], Iterator]  # runs a chunk's work over the pages to do
    keys: dict[str, str] = field(default_factory=dict)
    totals: dict[str, object] = field(default_factory=dict)  # documents, facts, quarantined, claims by status

    def document_pages(self) -> Iterator[tuple[str, str]]:
        """(path, HTML) of each document page to render."""
        return self.render_documents(render_page_chunk)

    def write_document_pages(self, folder: Path) -> Iterator[tuple[str, bool]]:
        """(path, whether its bytes changed) of each document page to render, written under
        ``folder`` by the worker that renders it: a page's text never travels back."""
        return self.render_documents(functools.partial(write_page_chunk, folder=folder))


@dataclass(frozen=True)
class SiteWrite:
    folder: Path
    files: int  # files the site has
    documents: int  # document pages it has
    rendered: int  # document pages rendered this time (the others were unchanged)
    written: int  # files whose bytes changed
    removed: int


@dataclass(frozen=True)
class Manifest:
    """What the site's folder holds, as the last build wrote it (``.pages.json``): the warehouse
    it shows and which publish of it, the renderer, every file it wrote, each document page's key
    and the totals. The site writes and deletes only files listed here."""

    warehouse: str | None = None
    publish_id: str | None = None
    renderer: str | None = None
    files: frozenset[str] = frozenset()
    pages: Mapping[str, str] = field(default_factory=dict)  # document page -> key, of pages still there
    totals: Mapping[str, object] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"site": SITE_MARK, "warehouse": self.warehouse, "publish_id": self.publish_id,
                           "renderer": self.renderer, "files": sorted(self.files), "pages": dict(self.pages),
                           "totals": dict(self.totals)}, sort_keys=True, indent=0, default=str)


SITE_MARK = "chipfacts review site"
# What a site of an earlier release wrote besides its document pages (its manifest held only those).
_EARLIER_SITE_FILES = re.compile(r"(index(-\d+)?|claims)\.html|review\.(css|js)")


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the site in ``folder`` (empty when there is none); pages no longer on disk
    are left out, so they are rendered again."""
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict):
        return Manifest()
    if data.get("site") != SITE_MARK:  # an earlier release's manifest: document page -> key
        pages = {page: key for page, key in data.items() if isinstance(key, str) and (folder / page).is_file()}
        earlier = {p.name for p in folder.iterdir() if p.is_file() and _EARLIER_SITE_FILES.fullmatch(p.name)}
        return Manifest(files=frozenset(pages) | earlier, pages=pages)
    pages = {page: key for page, key in data.get("pages", {}).items() if (folder / page).is_file()}
    return Manifest(data.get("warehouse"), data.get("publish_id"), data.get("renderer"),
                    frozenset(data.get("files", ())), pages, data.get("totals", {}))


def site_folder_problem(folder: Path, warehouse: str, manifest: Manifest) -> str | None:
    """Why the site may not be written into ``folder`` for ``warehouse``, or None: the folder
    holds files the site did not write (a user's, or another program's), or the site of another
    warehouse. The site never overwrites or deletes what it did not write."""
    if not folder.exists():
        return None
    if not folder.is_dir():
        return f"REVIEW_DIR {folder} is a file, not a folder"
    if manifest.warehouse not in (None, warehouse):
        return (f"REVIEW_DIR {folder} holds the review site of another warehouse ({manifest.warehouse}); each "
                "warehouse needs its own site folder (the default is <warehouse name>.review/ beside the file)")
    foreign = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                     if not p.is_dir() and p.relative_to(folder).as_posix() not in manifest.files | {MANIFEST})
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        return (f"REVIEW_DIR {folder} holds files the review site did not write ({shown}); the site writes and "
                "deletes only its own files: choose an empty or new folder, or leave REVIEW_DIR unset")
    return None


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
    """The fact's row (a fresh dict, completed in place) with what its mark and card show."""
    value = span(fact["value"], fact["value_high"])
    worth = span(fact["value_usd"], fact["value_high_usd"], usd) if fact["unit"] != "USD" else ""
    about = [("value", f"{value} {fact['unit']}"), ("in USD", worth), ("subject", fact["subject"]),
             ("metric", fact["metric"]), ("topic", fact["topic"]), ("year", fact["year"]),
             ("qualifier", fact["qualifier"]), ("category", fact["category"])]
    fact.update(value_shown=value, usd_shown=worth, claims=claims,
                tooltip=" · ".join(f"{k}: {v}" for k, v in about if v))
    return fact


def _document_view(doc: dict) -> dict:
    return {**doc, "published": _day(doc["published_at"]), "saved": _day(doc["saved_at"]),
            "page": f"docs/{doc['doc_id']}.html", "link": http_link(doc["url"])}  # only http(s) is a link


def _fact_views(facts: pl.DataFrame, claims: pl.DataFrame) -> dict[str, dict]:
    """Views of some facts, each with the claims it states (``claims``: fact_id and the claim's
    columns, as ``WarehouseRows.claims_of_facts`` reads them)."""
    claims_of: dict[str, list[dict]] = defaultdict(list)
    shown: dict[str, dict] = {}  # one view per claim, shared by its facts (a claim has thousands)
    for claim in claims.iter_rows(named=True):
        view = shown.get(claim["claim_id"])
        if view is None:
            view = shown[claim["claim_id"]] = {"claim_id": claim["claim_id"], "status": claim["status"],
                                               "label": claim_label(claim)}
        claims_of[claim["fact_id"]].append(view)
    return {f["fact_id"]: _fact_view(f, claims_of[f["fact_id"]]) for f in facts.iter_rows(named=True)}


def page_keys(documents: pl.DataFrame, warehouse: str) -> dict[str, str]:
    """Each document page's key: its signature (queries.py), the warehouse path and the renderer."""
    salt = f"{renderer_fingerprint()}\x1d{warehouse}\x1d"
    return {f"docs/{doc_id}.html": hashlib.sha256(f"{salt}{signature}".encode()).hexdigest()[:32]
            for doc_id, signature in documents.select("doc_id", "signature").iter_rows()}


def _newest_first(doc: dict) -> tuple:
    published = doc["published_at"]
    return (published is None, -published.timestamp() if published else 0.0, doc["source_file"])


def _claim_views(source: WarehouseRows, docs: dict[str, dict], limit: int) -> list[dict]:
    """The first ``limit`` claims stated by several documents (conflicts first), each with its first
    ``FACTS_PER_CLAIM`` facts by publication date and, for the chart, its values per day."""
    listed = list(source.listed_claims(limit).iter_rows(named=True))
    ids = [c["claim_id"] for c in listed]
    members = source.claim_members(ids, FACTS_PER_CLAIM)
    fact_ids = members["fact_id"].to_list()
    facts = _fact_views(source.facts(fact_ids), source.claims_of_facts(fact_ids))
    stated: dict[str, list[dict]] = defaultdict(list)
    totals: dict[str, int] = {}
    for link in members.iter_rows(named=True):
        if link["doc_id"] not in docs:  # a document with no page (an id the parser did not make)
            continue
        fact = facts[link["fact_id"]]
        totals[link["claim_id"]] = link["claim_facts_total"]
        stated[link["claim_id"]].append({"fact": fact, "doc": docs[link["doc_id"]], "interval": interval(
            link["interval_low"], link["interval_high"], fact["qualifier"])})
    days: dict[str, list[tuple[datetime, float, float]]] = defaultdict(list)
    for claim_id, day, low, high in source.claim_days(ids[:CHART_CLAIMS]).iter_rows():
        days[claim_id].append((day, low, high))
    return [{**claim, "label": claim_label(claim), "facts_list": stated[claim["claim_id"]],
             "more_facts": totals.get(claim["claim_id"], 0) - len(stated[claim["claim_id"]]),
             "days": days[claim["claim_id"]],
             "range": span(claim["value_low"], claim["value_high"]),
             "range_usd": span(claim["value_low_usd"], claim["value_high_usd"], usd)} for claim in listed]


def _charts(source: WarehouseRows, claims: list[dict]) -> dict[str, str]:
    drawn = {}
    counts = source.category_counts()
    if counts:
        drawn["categories"] = charts.facts_by_category(counts)
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
        warehouse=warehouse, root="../", doc=doc, unplaced=layout.unplaced, body_html=body_html(layout.segments),
        cards_html=fact_cards_html(doc["facts"], doc["language"]))


@dataclass(frozen=True)
class PageChunk:
    """What the pages of a few documents show, as read from the warehouse, handed to a worker
    whole: frames pickle as a few column buffers, where the per-fact dicts the pages are made
    from cost more to pickle than to build."""

    documents: list[dict]  # document views
    bodies: pl.DataFrame  # doc_id, body (its first PAGE_BODY_CHARS characters), body_chars
    facts: pl.DataFrame  # the documents' numeric_facts rows, by doc_id and start_char
    claims: pl.DataFrame  # the claims their facts state (WarehouseRows.claims_of_documents)
    warehouse: str


def render_page_chunk(chunk: PageChunk) -> list[tuple[str, str]]:
    """(path, HTML) of each document page of a chunk."""
    facts_of: dict[str, list[dict]] = defaultdict(list)
    for view in _fact_views(chunk.facts, chunk.claims).values():
        facts_of[view["doc_id"]].append(view)
    bodies = {doc_id: (body, chars) for doc_id, body, chars in chunk.bodies.iter_rows()}
    pages = []
    for doc in chunk.documents:
        body, chars = bodies.get(doc["doc_id"]) or ("", 0)
        view = {**doc, "facts": facts_of[doc["doc_id"]], "body_chars": chars, "shown_chars": len(body)}
        pages.append(render_document_page((view, body, chunk.warehouse)))
    return pages


def write_page_chunk(chunk: PageChunk, folder: Path) -> list[tuple[str, bool]]:
    """(path, whether its bytes changed) of each document page of a chunk, written under ``folder``."""
    return [(name, _write_if_changed(folder / name, html)) for name, html in render_page_chunk(chunk)]


def _page_chunks(source: WarehouseRows, batch: list[dict], warehouse: str) -> list[PageChunk]:
    """A batch of documents' rows, read in three queries (each scans a table, so batches are
    large), cut into chunks of PAGE_CHUNK documents for the workers."""
    ids = [doc["doc_id"] for doc in batch]
    chunk_of = pl.DataFrame({"doc_id": ids, "chunk": [n // PAGE_CHUNK for n in range(len(ids))]},
                            schema={"doc_id": pl.String, "chunk": pl.Int64})
    facts = source.facts_of_documents(ids, PAGE_BODY_CHARS).join(chunk_of, on="doc_id", maintain_order="left")
    claims = source.claims_of_documents(ids).join(facts.select("fact_id", "chunk"), on="fact_id", maintain_order="left")
    bodies = source.bodies(ids, PAGE_BODY_CHARS).join(chunk_of, on="doc_id")
    count = -(-len(ids) // PAGE_CHUNK)
    facts_parts, claims_parts, bodies_parts = (_split(frame, count) for frame in (facts, claims, bodies))
    return [PageChunk(documents=batch[n * PAGE_CHUNK:(n + 1) * PAGE_CHUNK], bodies=bodies_parts[n],
                      facts=facts_parts[n], claims=claims_parts[n], warehouse=warehouse) for n in range(count)]


def _split(frame: pl.DataFrame, count: int) -> list[pl.DataFrame]:
    """``frame``'s rows by its ``chunk`` column (0 .. count-1, order kept), without that column."""
    parts = frame.partition_by("chunk", as_dict=True, include_key=False, maintain_order=True)
    empty = frame.clear().drop("chunk")
    return [parts.get((n,), empty) for n in range(count)]


def _document_pages(source: WarehouseRows, todo: list[dict], warehouse: str, workers: int,
                    work: Callable[[PageChunk], list[T]]) -> Iterator[T]:
    """``work``'s results over the pages of ``todo``, a batch of rows in memory at a time; the
    next batch is read while the workers do this one."""
    with worker_pool(workers, len(todo)) as pool:
        doing: Iterator[list[T]] = iter(())
        for start in range(0, len(todo), BODY_BATCH):
            chunks = _page_chunks(source, todo[start:start + BODY_BATCH], warehouse)
            previous, doing = doing, pool.map(work, chunks)
            for results in previous:
                yield from results
        for results in doing:
            yield from results


def render_site(con: duckdb.DuckDBPyConnection, *, warehouse: str, previous: Mapping[str, str] | None = None,
                workers: int = 1) -> Site:
    """The site's files from the warehouse open on ``con``: the index pages, ``claims.html``,
    styles, and the document pages whose key is not in ``previous`` (a manifest: page -> key),
    rendered lazily over ``workers`` processes (``con`` must stay open until they are written)."""
    source = WarehouseRows(con)
    documents = source.documents()
    # A page is named after its doc_id: only the parser's ids (16 hex digits) make pages, so an
    # id a client wrote into the file (`../../x`) never names a file outside the site.
    documents = documents.filter(pl.col("doc_id").str.contains(r"^[0-9a-f]{16}$"))
    docs = {d["doc_id"]: _document_view(d) for d in documents.iter_rows(named=True)}
    ordered = sorted(docs.values(), key=_newest_first)
    claims = _claim_views(source, docs, CLAIMS_LISTED)
    statuses = Counter(source.claim_statuses())
    quarantine = source.quarantine()
    totals = {"documents": len(docs), "facts": source.fact_total(), "quarantined": quarantine.height,
              "claims": statuses}
    common = {"warehouse": warehouse, "totals": totals}
    index_pages = _index_pages(ordered)
    several = statuses["conflict"] + statuses["corroborated"]
    pages = {
        "claims.html": _ENV.get_template("claims.html.j2").render(
            **common, root="", claims=claims, more_claims=several - len(claims), singles=statuses["single"]),
    }
    index = _ENV.get_template("index.html.j2")
    languages = Counter(d["language"] for d in ordered).most_common()
    for number_, (name, chunk) in enumerate(index_pages, start=1):
        pages[name] = index.render(
            **common, root="", documents=chunk, page_number=number_, index_pages=[n for n, _ in index_pages],
            languages=languages,
            quarantine=list(quarantine.iter_rows(named=True)) if number_ == 1 else [],
            charts=_charts(source, claims) if number_ == 1 else {})
    for name in STATIC:
        pages[name] = (HERE / "static" / name).read_text(encoding="utf-8")
    keys = page_keys(documents, warehouse)
    # Rendered in the order the publish writes facts (by doc_id, publish.LOAD_ORDER): a batch's
    # facts then lie in a few row groups instead of all of them. At 100,000 documents the pages
    # took 72.6 s (main process 17.7 s of CPU) in this order against 78.9 s (23.9 s) by source
    # file, the documents' own order, and 0.84 s a batch's queries in the index's. The pages are
    # the same.
    todo = sorted((doc for doc in ordered if (previous or {}).get(doc["page"]) != keys[doc["page"]]),
                  key=lambda doc: doc["doc_id"])
    return Site(pages=pages, keys=keys, totals=totals,
                render_documents=functools.partial(_document_pages, source, todo, warehouse, workers))


def _write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)  # a reader never sees half a page
    return True


def write_site(site: Site, folder: Path, *, previous: Manifest | None = None, warehouse: str | None = None,
               publish_id: str | None = None) -> SiteWrite:
    """Write the pages that changed and the manifest; remove the files the previous build wrote
    (``previous``) that are no longer in the site, and nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    written = sum(_write_if_changed(folder / name, text) for name, text in site.pages.items())
    rendered = 0
    for _name, changed in site.write_document_pages(folder):
        rendered += 1
        written += changed
    files = frozenset(site.pages) | frozenset(site.keys)
    manifest = Manifest(warehouse, publish_id, renderer_fingerprint(), files, site.keys, _plain(site.totals))
    _write_if_changed(folder / MANIFEST, manifest.to_json())
    removed = 0
    for name in sorted((previous.files if previous else frozenset()) - files):
        stale = folder / name
        if stale.is_file() and not stale.is_symlink():
            stale.unlink()
            removed += 1
    return SiteWrite(folder=folder, files=len(files), documents=len(site.keys),
                     rendered=rendered, written=written, removed=removed)


def _plain(totals: Mapping[str, object]) -> dict[str, object]:
    """The totals as JSON values (claims by status is a Counter)."""
    return {key: dict(value) if isinstance(value, Mapping) else value for key, value in totals.items()}
