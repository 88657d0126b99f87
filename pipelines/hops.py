"""The pipeline's hops as plain functions over polars frames (no Dagster here).

raw files -> ``parse_hop`` -> documents (+ rejected files) -> ``extract_hop`` -> numeric
facts (+ rejected documents). Each returns frames shaped by the Pandera models in
``pipelines/schema/tables.py``; one bad file becomes a quarantine row, never an exception
that stops the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.extract.engine import Fact, extract_facts
from pipelines.extract.entities import load_entities
from pipelines.fx import annual_rates, to_usd
from pipelines.ingest.errors import RejectedFile
from pipelines.ingest.files import (
    FileStat,
    ReadPolicy,
    SeedEntry,
    list_seed_entries,
    read_entry,
    read_file_and_status,
    unreadable,
)
from pipelines.ingest.records import Document, parse_document
from pipelines.parallel import DEFAULT_MIN_ITEMS, ordered_map
from pipelines.progress import Progress
from pipelines.schema.frames import frame_from_rows, row_problem
from pipelines.schema.tables import Documents, Entities, FxRates, NumericFacts, Quarantine, RawFiles
from pipelines.schema.validate import validate_frame
from pipelines.spans import find_span_mismatches, mismatch_frame
from pipelines.staged import Rows, StagedRows
from pipelines.version import pipeline_version


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def quarantine_row(source_file: str, sha: str | None, stage: str, reason: str) -> dict[str, object]:
    return {"source_file": source_file, "content_sha256": sha, "stage": stage, "reason": reason,
            "detected_at": _now(), "pipeline_version": pipeline_version()}


def raw_hop(seeds_dir: Path, known: Mapping[str, str] | None = None, only: set[str] | None = None,
            entries: list[SeedEntry] | None = None, progress: Progress | None = None,
            policy: ReadPolicy = ReadPolicy(), keep_content: bool = True,
            stats: Mapping[str, FileStat] | None = None) -> pl.DataFrame:
    """Every entry of the seeds folder with its hash (RawFiles).

    ``known`` maps a path to the content hash the published warehouse holds for it, made by
    this pipeline version: a file with that hash is ``unchanged`` and its bytes are dropped
    (it cost a hash, not a parse). ``stats`` maps a path to the size and modification time
    the published warehouse recorded with that hash: a file listed with both the same is
    ``unchanged`` without being read at all. The published files below a folder that cannot
    be listed are ``unchanged`` too, so their rows are kept, not deleted. ``only`` restricts
    the listing to some paths, ``entries`` is the listing when the caller made it;
    ``progress`` is advanced per entry; ``policy`` caps what is read. Without
    ``keep_content`` no bytes are kept at all (the shard steps read their files again).
    """
    known, stats = known or {}, stats or {}
    rows = []
    for entry in list_seed_entries(seeds_dir, policy) if entries is None else entries:
        if only is not None and entry.source_file not in only:
            continue
        if entry.source_file in known and stats.get(entry.source_file) == FileStat.of(entry):
            rows.append({"source_file": entry.source_file, "content_sha256": known[entry.source_file],
                         "size_bytes": entry.size_bytes, "content": None, "read_error": None, "change": "unchanged"})
        else:
            f = read_entry(seeds_dir, entry, policy)
            sha = f.content_sha256
            change = "unchanged" if sha is not None and known.get(f.source_file) == sha else (
                "changed" if f.source_file in known else "added")
            rows.append({"source_file": f.source_file, "content_sha256": sha,
                         "size_bytes": None if f.content is None else len(f.content),
                         "content": f.content if keep_content and change != "unchanged" else None,
                         "read_error": f.read_error, "change": change})
            if f.unlisted_folder:
                inside = f.source_file + "/"
                rows += [{"source_file": kept, "content_sha256": kept_sha, "size_bytes": None, "content": None,
                          "read_error": None, "change": "unchanged"}
                         for kept, kept_sha in sorted(known.items()) if kept.startswith(inside)]
        if progress is not None:
            progress.advance()
    return frame_from_rows(RawFiles, rows)


def document_row(doc: Document) -> dict[str, object]:
    row = {k: v for k, v in doc.__dict__.items() if k != "metrics"}
    row.update(doc.metrics, pipeline_version=pipeline_version())
    return row


def parse_one(row: dict[str, object]) -> tuple[dict[str, object] | None, dict[str, object] | None]:
    """One new or changed raw file to (document row, None) or (None, quarantine row)."""
    source, sha = row["source_file"], row["content_sha256"]
    if row["content"] is None:
        return None, quarantine_row(source, sha, "read", row["read_error"] or "cannot read file")
    try:
        document = document_row(parse_document(source, row["content"]))
        stat = row.get("file_stat")  # recorded so that the next run need not read an unchanged file
        document.update(file_size_bytes=len(row["content"]), file_modified_at=stat.modified_at if stat else None)
        problem = row_problem(Documents, document)
        if problem:
            raise RejectedFile("parse", f"a value cannot be stored: {problem}")
        return document, None
    except RejectedFile as exc:
        return None, quarantine_row(source, sha, exc.stage, exc.reason)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        return None, quarantine_row(source, sha, "parse", f"parser error: {type(exc).__name__}: {exc}")


def parse_hop(raw: pl.DataFrame, progress: Progress | None = None, workers: int = 1,
              min_parallel: int = DEFAULT_MIN_ITEMS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Raw files that are new or changed to (Documents, Quarantine), over ``workers`` processes."""
    documents, rejects = [], []
    todo = list(raw.filter(pl.col("change") != "unchanged").iter_rows(named=True))
    for document, reject in ordered_map(parse_one, todo, workers, min_parallel):
        if progress is not None:
            progress.advance()
        if document is not None:
            documents.append(document)
        else:
            rejects.append(reject)
    return frame_from_rows(Documents, documents), frame_from_rows(Quarantine, rejects)


def fact_id_for(doc_id: str, fact: Fact) -> str:
    key = f"{doc_id}:{fact.start_char}:{fact.end_char}:{fact.quantity_kind}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def fact_row(doc_id: str, fact: Fact, version: str, reference_year: int | None = None) -> dict[str, object]:
    row = dict(fact.__dict__)
    value, value_high = float(fact.value), float(fact.value_high)
    usd, usd_high, rate_date = (to_usd(value, value_high, fact.unit, fact.year, reference_year)
                                if fact.quantity_kind == "money" else (None, None, None))
    row.update(fact_id=fact_id_for(doc_id, fact), doc_id=doc_id, value=value, value_high=value_high,
               extractor_version=version, value_usd=usd, value_high_usd=usd_high, fx_rate_date=rate_date)
    return row


def reference_year(published_at: dt.datetime | None, saved_at: dt.datetime | None) -> int | None:
    """The year relative years (去年) and exchange rates fall back to: publication, else saving."""
    when = published_at or saved_at
    return when.year if when else None


def validated(model: type, frame: pl.DataFrame) -> pl.DataFrame:
    report = validate_frame(model, frame)
    if not report.passed:
        raise ValueError(f"{model.__name__} does not validate: {report.summary()}")
    return frame


def entities_frame() -> pl.DataFrame:
    """Every entity the lexicon knows (the ``entities`` table), names sorted."""
    entities = [{"name": e.name, "type": e.type, "iso_code": e.iso_code, "aliases_en": list(e.aliases_en),
                 "aliases_zh_hans": list(e.aliases_zh_hans), "aliases_zh_hant": list(e.aliases_zh_hant)}
                for e in load_entities()]
    return frame_from_rows(Entities, entities).sort("name")


def fx_rates_frame() -> pl.DataFrame:
    """Every annual average rate ``to_usd`` can use (the ``fx_rates`` table)."""
    rates = [r.__dict__ for years in annual_rates().values() for r in years.values()]
    return frame_from_rows(FxRates, rates).sort("currency", "year")


def reference_frames() -> dict[str, pl.DataFrame]:
    """The tables made from the lexicons and rate data (entities, fx_rates), checked by their
    models: what ``publish_warehouse`` writes when it is not handed them (the Dagster asset
    ``reference_data`` hands them over with its own Pandera checks)."""
    return {"entities": validated(Entities, entities_frame()), "fx_rates": validated(FxRates, fx_rates_frame())}


EXTRACT_COLUMNS = ("doc_id", "source_file", "content_sha256", "body", "language", "published_at", "saved_at")


# The most facts one document keeps: a file of dense figures (a data dump, a price table)
# would otherwise hold hundreds of thousands, gigabytes in memory and a page nobody can open.
MAX_FACTS_PER_DOCUMENT = 10_000


def facts_cap_note(facts: int, last_end: int, body_chars: int) -> str | None:
    """What a document's record says when its ``facts`` reached the cap: where reading stopped."""
    if facts < MAX_FACTS_PER_DOCUMENT:
        return None
    return (f"facts: the first {MAX_FACTS_PER_DOCUMENT:,} kept (MAX_FACTS_PER_DOCUMENT); the text after character "
            f"{last_end:,} of {body_chars:,} was not read for facts")


def with_cap_notes(documents: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """``documents`` with the cap's note in the ``parse_warnings`` of those whose facts reached
    it (what ``extract_one`` writes into the record it is given, for the hops that hand it
    frames)."""
    counts = facts.group_by("doc_id").agg(pl.len().alias("_facts"), pl.col("end_char").max().alias("_last"))
    capped = counts.filter(pl.col("_facts") >= MAX_FACTS_PER_DOCUMENT)
    if capped.is_empty():
        return documents
    notes = {doc_id: facts_cap_note(n, last, chars) for doc_id, n, last, chars in documents.join(
        capped, on="doc_id").select("doc_id", "_facts", "_last", pl.col("body").str.len_chars()).iter_rows()}
    return documents.with_columns(pl.struct("doc_id", "parse_warnings").map_elements(
        lambda row: "; ".join(w for w in (row["parse_warnings"], notes.get(row["doc_id"])) if w) or None,
        return_dtype=pl.String).alias("parse_warnings"))


def extract_one(doc: dict[str, object]) -> tuple[list[dict[str, object]], dict[str, object] | None]:
    """One document to (fact rows, None), or ([], quarantine row) when its extraction fails. A
    document whose facts reach the cap gets a note in its ``parse_warnings`` (``doc`` changes)."""
    try:
        rows = []
        year = reference_year(doc["published_at"], doc["saved_at"])
        facts = extract_facts(doc["body"], doc["language"], reference_year=year, limit=MAX_FACTS_PER_DOCUMENT)
        note = facts_cap_note(len(facts), facts[-1].end_char if facts else 0, len(doc["body"]))
        if note:
            doc["parse_warnings"] = "; ".join(w for w in (doc.get("parse_warnings"), note) if w)
        for fact in facts:
            for text, start, end in ((fact.text, fact.start_char, fact.end_char),
                                     (fact.subject_text, fact.subject_start, fact.subject_end),
                                     (fact.metric_cue, fact.metric_cue_start, fact.metric_cue_end)):
                if text is not None and doc["body"][start:end] != text:  # evidence is grounded like the fact
                    raise AssertionError(f"span {start}:{end} is not «{text}»")
            row = fact_row(doc["doc_id"], fact, pipeline_version(), year)
            problem = row_problem(NumericFacts, row)
            if problem:
                raise ValueError(f"fact «{fact.text[:40]}» cannot be stored: {problem}")
            rows.append(row)
        return rows, None
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        return [], quarantine_row(doc["source_file"], doc["content_sha256"], "extract",
                                  f"extractor error: {type(exc).__name__}: {exc}")


def extract_hop(documents: pl.DataFrame, progress: Progress | None = None, workers: int = 1,
                min_parallel: int = DEFAULT_MIN_ITEMS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents to (NumericFacts, Quarantine), over ``workers`` processes. A document whose
    extraction fails is quarantined at stage 'extract' and its facts are left out whole."""
    facts, rejects = [], []
    todo = list(documents.select(EXTRACT_COLUMNS).iter_rows(named=True))
    for rows, reject in ordered_map(extract_one, todo, workers, min_parallel):
        if progress is not None:
            progress.advance()
        facts.extend(rows)
        if reject is not None:
            rejects.append(reject)
    return frame_from_rows(NumericFacts, facts), frame_from_rows(Quarantine, rejects)


@dataclass(frozen=True)
class FileTask:
    """A new or changed file as the raw hop saw it: its path, hash and why it could not be read."""

    source_file: str
    content_sha256: str | None
    read_error: str | None = None


RowDicts = list[dict[str, object]]


def process_file(root: Path, policy: ReadPolicy, task: FileTask) -> tuple[RowDicts, RowDicts, RowDicts, RowDicts]:
    """Read, parse and extract one file: (document, parse reject, facts, extract reject) rows,
    each list empty or not. The file is read here, in the worker, so no hop carries its bytes;
    its hash is taken again from what was read, so a row always matches the bytes parsed."""
    if task.read_error is not None:
        return [], [quarantine_row(task.source_file, task.content_sha256, "read", task.read_error)], [], []
    try:
        content, status = read_file_and_status(root, task.source_file, policy)
    except OSError as exc:
        return [], [quarantine_row(task.source_file, task.content_sha256, "read", unreadable(exc))], [], []
    raw = {"source_file": task.source_file, "content_sha256": hashlib.sha256(content).hexdigest(),
           "content": content, "read_error": None, "file_stat": FileStat.trusted(status)}
    document, parse_reject = parse_one(raw)
    if document is None:
        return [], [parse_reject], [], []
    facts, extract_reject = extract_one(document)
    return [document], [], facts, [] if extract_reject is None else [extract_reject]


def span_mismatches(documents: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """Facts whose text is not their document body's span (expected: none), in linear time."""
    bodies = documents.select("doc_id", "body").sort("doc_id").iter_rows()
    spans = facts.select("fact_id", "doc_id", "start_char", "end_char", "text").sort("doc_id").iter_rows()
    return mismatch_frame(find_span_mismatches(bodies, spans))


def unchanged_files(raw: pl.DataFrame) -> pl.DataFrame:
    """The files whose rows the publish copies from the published warehouse (``carry``)."""
    return raw.filter(pl.col("change") == "unchanged").select(
        "source_file", "content_sha256", pl.lit(pipeline_version()).alias("pipeline_version")
    )


def publishable(documents: Rows, facts: Rows, parse_rejects: Rows, extract_rejects: Rows
                ) -> tuple[Rows, Rows, pl.DataFrame]:
    """The three warehouse inputs: a document whose extraction failed is quarantined, not
    published. Frames or staged Parquet rows; the quarantine (a few rows) is read into a frame."""
    parse_rejects, extract_rejects = (rows.read() if isinstance(rows, StagedRows) else rows
                                      for rows in (parse_rejects, extract_rejects))
    rejected = extract_rejects["source_file"].to_list()
    documents = (documents.without(rejected) if isinstance(documents, StagedRows)
                 else documents.filter(~pl.col("source_file").is_in(rejected)))
    return documents, facts, pl.concat([parse_rejects, extract_rejects])


def process_files(seeds_dir: Path, files: list[str], policy: ReadPolicy = ReadPolicy(), workers: int = 1
                  ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Read, parse and extract some files of the folder from scratch: (documents, facts, quarantine)."""
    documents, parse_rejects = parse_hop(raw_hop(seeds_dir, only=set(files), policy=policy), workers=workers)
    facts, extract_rejects = extract_hop(documents, workers=workers)
    return publishable(with_cap_notes(documents, facts), facts, parse_rejects, extract_rejects)
