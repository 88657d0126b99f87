"""Publish validated frames to the DuckDB warehouse file, all or nothing.

Belongs here: creating the tables from ``sql/ddl``, the views from ``sql/views``,
loading the frames in one transaction, running the SQL data checks in ``sql/checks``
(each returns offending rows; none = pass), and swapping the finished file into place.

Incremental: rows of files that did not change (same bytes, same pipeline version) are
copied from the published warehouse instead of being made again, so a run costs a hash per
unchanged file. One publisher at a time holds a lock file beside the warehouse.

Why a new file and a rename: DuckDB lets one process write a file, and a reader holding
it open blocks the writer. The warehouse is built beside the published file and moved
over it with ``os.replace`` (atomic on one file system), so a reader sees the old
warehouse or the new one, never a half-loaded state, and never blocks the build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import itertools
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.claims import FACT_COLUMNS, build_claims
from pipelines.schema.ddl import SQL_DIR, VIEWS_DIR, create_schema, table_metadata
from pipelines.schema.frames import frame_from_rows
from pipelines.schema.tables import PUBLISHED_MODELS, ClaimFacts, Claims, Publishes
from pipelines.schema.validate import validate_frame
from pipelines.spans import find_span_mismatches, mismatch_frame
from pipelines.staged import Rows, StagedRows
from pipelines.version import pipeline_version
from pipelines.warehouse.state import (
    STORAGE_COMPATIBILITY_VERSION,
    FileIdentity,
    LastPublish,
    foreign_file_message,
    last_publish,
    not_the_pipelines,
    publish_time_ns,
    reusable,
    warehouse_fingerprint,
    written_since,
)
from pipelines.warehouse.turn import warehouse_turn
from pipelines.warehouse.published import (
    DEFAULT_LOCK_WAIT_SECONDS,
    DEFAULT_MEMORY_LIMIT,
    OTHER_SCHEMA,
    open_published,
    previous_detections,
    published_documents,
    published_target,
    query_frame,
    retry_on_lock,
)

CHECKS_DIR = SQL_DIR / "checks"
SUMMARIES_DIR = SQL_DIR / "summaries"

DEFAULT_MAX_DROPPED_SHARE = 0.5


class PublishError(RuntimeError):
    """The warehouse was not published; the previous one is untouched."""

    def __init__(self, message: str, check_results: dict[str, pl.DataFrame] | None = None) -> None:
        super().__init__(message)
        self.check_results = check_results or {}  # every SQL check's offending rows, when they ran

    @property
    def failed_checks(self) -> dict[str, pl.DataFrame]:
        """The blocking checks that found rows (warnings aside)."""
        warnings = warning_checks()
        return {name: rows for name, rows in self.check_results.items() if rows.height and name not in warnings}


def raise_on_failed_checks(results: dict[str, pl.DataFrame], headline: str) -> None:
    """``PublishError`` ("<headline>: name (n rows), ...") when a blocking check found rows."""
    failed = PublishError("", results).failed_checks
    if failed:
        summary = ", ".join(f"{name} ({rows.height} rows)" for name, rows in failed.items())
        raise PublishError(f"{headline}: {summary}", results)


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of every published table."""
    tables = [table_metadata(model)["table"] for model in PUBLISHED_MODELS]
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}


@dataclass(frozen=True)
class PublishReport:
    path: Path
    row_counts: dict[str, int]
    check_results: dict[str, pl.DataFrame] = field(default_factory=dict)  # check name -> offending rows
    summaries: dict[str, pl.DataFrame] = field(default_factory=dict)  # sql/summaries name -> rows
    carried: int = 0  # unchanged files whose rows were copied, not made again
    dropped: int = 0  # documents the previous warehouse published and this one does not
    unchanged: bool = False  # nothing was published: the published file already was this warehouse
    delta: bool = False  # the change was applied to a copy of the published file
    publish: LastPublish | None = None  # the file's newest publishes row
    kept_objects: tuple[str, ...] = ()  # tables and views of other clients, kept from the published file


_CHECK_TABLE = re.compile(r"^-- table: (\w+)$", re.MULTILINE)
# A check with a "-- severity: warn" line reports its rows but does not stop the publish;
# "-- tally: <column>" has its rows counted per value of that column in the check's metadata.
_WARN = re.compile(r"^-- severity: warn$", re.MULTILINE)
_TALLY = re.compile(r"^-- tally: (\w+)$", re.MULTILINE)


def _queries(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted(folder.glob("*.sql"))}


def sql_checks() -> dict[str, str]:
    """name -> query of every data check in sql/checks (a query returns offending rows)."""
    return _queries(CHECKS_DIR)


def _fetch_batches(cursor: duckdb.DuckDBPyConnection, size: int = 1000) -> Iterator[tuple]:
    while rows := cursor.fetchmany(size):
        yield from rows


def warehouse_span_mismatches(con: duckdb.DuckDBPyConnection, limit: int = 1000, new_only: bool = False
                              ) -> pl.DataFrame:
    """Facts whose text is not their body's span, over the committed warehouse: documents and
    facts streamed side by side in doc_id order (each body read once; see ``pipelines/spans.py``).
    With ``new_only``, the documents in ``_new_docs`` (a delta's): the others' were checked when
    they were published, and their rows have not changed since."""
    scope = " WHERE doc_id IN (SELECT doc_id FROM _new_docs)" if new_only else ""
    with con.cursor() as documents, con.cursor() as facts:
        documents.execute(f"SELECT doc_id, body FROM documents{scope} ORDER BY doc_id")
        facts.execute(f"SELECT fact_id, doc_id, start_char, end_char, text FROM numeric_facts{scope} ORDER BY doc_id")
        return mismatch_frame(itertools.islice(
            find_span_mismatches(_fetch_batches(documents), _fetch_batches(facts)), limit))


# Checks that SQL cannot run in linear time, by name: (table, function returning offending
# rows; ``new_only`` restricts it to a delta's new documents).
CODE_CHECKS: dict[str, tuple[str, Callable[..., pl.DataFrame]]] = {
    "fact_spans_match_body": ("numeric_facts", warehouse_span_mismatches),
}


def warning_checks() -> frozenset[str]:
    """The checks that warn rather than block (their ``-- severity: warn`` line)."""
    return frozenset(name for name, sql in sql_checks().items() if _WARN.search(sql))


def check_tallies() -> dict[str, str]:
    """Check name -> the column its offending rows are counted by (its ``-- tally:`` line)."""
    return {name: match.group(1) for name, sql in sql_checks().items() if (match := _TALLY.search(sql))}


def tally(rows: pl.DataFrame, column: str) -> str:
    """'KPW 3, XAF 1': offending rows per value of ``column``, most first ('' for none)."""
    if rows.is_empty():
        return ""
    counts = rows.group_by(column).len().sort(["len", column], descending=[True, False], nulls_last=True)
    return ", ".join(f"{value} {n}" for value, n in counts.iter_rows())


def check_tables() -> dict[str, str]:
    """Every warehouse check (sql/checks and ``CODE_CHECKS``) -> the table it is about."""
    return {**{name: checked_table(sql) for name, sql in sql_checks().items()},
            **{name: table for name, (table, _) in CODE_CHECKS.items()}}


def run_checks(con: duckdb.DuckDBPyConnection, new_only: bool = False) -> dict[str, pl.DataFrame]:
    """Every warehouse check's offending rows (none: it passed); ``new_only``: see ``CODE_CHECKS``."""
    results = {name: query_frame(con, sql) for name, sql in sql_checks().items()}
    return results | {name: check(con, new_only=new_only) for name, (_, check) in CODE_CHECKS.items()}


def sql_summaries() -> dict[str, str]:
    """name -> query of every summary in sql/summaries, shown in the catalog after a publish."""
    return _queries(SUMMARIES_DIR)


def checked_table(sql: str) -> str:
    """The table a check or summary is about, from its ``-- table: name`` header line."""
    match = _CHECK_TABLE.search(sql)
    if match is None:
        raise ValueError("a query in sql/checks or sql/summaries lacks its '-- table: <name>' line")
    return match.group(1)


def keep_first_detection(quarantine: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    if previous is None or previous.is_empty() or quarantine.is_empty():
        return quarantine
    keys = ["source_file", "content_sha256", "stage", "reason"]
    earlier = previous.select(*keys, pl.col("detected_at").alias("_earlier"))
    joined = quarantine.join(earlier, on=keys, how="left", nulls_equal=True)
    return joined.with_columns(pl.coalesce("_earlier", "detected_at").alias("detected_at")).drop("_earlier")


# The order rows are written in (the file's physical order: what a reader scanning it sees).
LOAD_ORDER = {"documents": "source_file", "numeric_facts": "doc_id, start_char, end_char, fact_id",
              "quarantine": "source_file"}


def _sql_list(values: Iterable[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _load(con: duckdb.DuckDBPyConnection, table: str, rows: Rows) -> None:
    """Insert a frame, or staged Parquet rows read by DuckDB itself (never through Python)."""
    order = f" ORDER BY {LOAD_ORDER[table]}" if table in LOAD_ORDER else ""
    if isinstance(rows, StagedRows):
        if not rows.paths:
            return
        where = f" WHERE source_file NOT IN (SELECT unnest({_sql_list(rows.exclude)}))" if rows.exclude else ""
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet({_sql_list(rows.paths)}){where}{order}")
        return
    view = f"_incoming_{table}"  # table names come from the models, never from input
    con.register(view, rows.to_arrow())
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}{order}")


Recompute = Callable[[list[str]], tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]]


def _sql_literal(text: object) -> str:
    """A path or name as a SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _carry_over(con: duckdb.DuckDBPyConnection, published: Path, carry: pl.DataFrame, lock_wait_seconds: float
                ) -> set[str]:
    """Copy the rows of unchanged files from the published warehouse; the files found."""
    if carry.is_empty() or not published.exists():
        return set()
    retry_on_lock(lambda: con.execute(f"ATTACH {_sql_literal(published)} AS published (READ_ONLY)"), published,
                  lock_wait_seconds)
    con.register("_carry", carry.to_arrow())
    try:
        key = _CARRY_KEY
        con.execute(f"INSERT INTO documents BY NAME SELECT d.* FROM published.documents d JOIN _carry {key}")
        con.execute("INSERT INTO numeric_facts BY NAME SELECT f.* FROM published.numeric_facts f "
                    "JOIN documents d USING (doc_id)")
        con.execute(f"INSERT INTO quarantine BY NAME SELECT q.* FROM published.quarantine q JOIN _carry {key}")
        found = con.execute("SELECT source_file FROM documents UNION SELECT source_file FROM quarantine").fetchall()
    except OTHER_SCHEMA:
        # A warehouse of another schema: nothing is carried over, everything is made again.
        for table in ("numeric_facts", "documents", "quarantine"):
            con.execute(f"DELETE FROM {table}")
        found = []
    finally:
        con.unregister("_carry")
        con.execute("DETACH published")
    return {row[0] for row in found}


def _our_objects() -> frozenset[str]:
    """The tables and views the pipeline makes (everything else in the file is a client's)."""
    return frozenset({table_metadata(model)["table"] for model in PUBLISHED_MODELS}
                     | {path.stem for path in VIEWS_DIR.glob("*.sql")})


def _quoted(*names: str) -> str:
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


def _keep_from_published(con: duckdb.DuckDBPyConnection, published: Path, lock_wait_seconds: float
                         ) -> tuple[str, ...]:
    """Into a new file: the published file's publish history, and every table and view a client
    made in it (a new warehouse never drops what another client wrote); the objects kept."""
    if not published.exists():
        return ()
    retry_on_lock(lambda: con.execute(f"ATTACH {_sql_literal(published)} AS kept (READ_ONLY)"), published,
                  lock_wait_seconds)
    try:
        with contextlib.suppress(*OTHER_SCHEMA):  # an earlier release's file has no history
            con.execute("INSERT INTO publishes BY NAME SELECT * FROM kept.main.publishes")
        ours = _our_objects()
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'kept' "
                             "AND NOT internal ORDER BY ALL").fetchall()
        views = con.execute("SELECT schema_name, view_name, sql FROM duckdb_views() WHERE database_name = 'kept' "
                            "AND NOT internal ORDER BY ALL").fetchall()
        kept = []
        for schema, table in tables:
            if schema == "main" and table in ours:
                continue
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quoted(schema)}")
            con.execute(f"CREATE TABLE {_quoted(schema, table)} AS SELECT * FROM {_quoted('kept', schema, table)}")
            kept.append(f"{schema}.{table}")
        for schema, view, sql in views:
            if schema == "main" and view in ours:
                continue
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quoted(schema)}")
            con.execute(f"SET schema = {_sql_literal(schema)}")  # the view's own SQL names no schema
            try:
                con.execute(sql)
            finally:
                con.execute("SET schema = 'main'")
            kept.append(f"{schema}.{view}")
    finally:
        con.execute("DETACH kept")
    return tuple(kept)


def _publish_row(con: duckdb.DuckDBPyConnection, *, modified_ns: int, how: str, seeds_dir: str,
                 run_id: str | None, carried: int, dropped: int) -> LastPublish:
    """Record this publish in the file's ``publishes`` table (checked by its Pandera model)."""
    counts = table_counts(con)
    number = con.execute("SELECT coalesce(max(publish_number), 0) + 1 FROM publishes").fetchall()[0][0]
    row = {"publish_id": uuid.uuid4().hex[:16], "publish_number": number,
           "published_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0), "run_id": run_id,
           "seeds_dir": seeds_dir, "pipeline_version": pipeline_version(),
           "warehouse_fingerprint": warehouse_fingerprint(), "file_modified_ns": modified_ns, "how": how,
           "documents_total": counts["documents"], "facts_total": counts["numeric_facts"], "files_carried": carried,
           "documents_dropped": dropped}
    frame = frame_from_rows(Publishes, [row])
    report = validate_frame(Publishes, frame)
    if not report.passed:
        raise PublishError(f"the publish record failed its schema, nothing published: {report.summary()}")
    _load(con, "publishes", frame)
    return LastPublish(row["publish_id"], row["published_at"], run_id, seeds_dir, row["warehouse_fingerprint"],
                       modified_ns)


CLAIM_FACTS_PER_PART = 100_000  # facts whose claims are made at once: what bounds the claims' memory


def _checked_claims(facts: pl.DataFrame, documents: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """One part's ``claims`` and ``claim_facts``, checked by their Pandera models."""
    claims, claim_facts = build_claims(facts, documents)
    for model, frame in ((Claims, claims), (ClaimFacts, claim_facts)):
        report = validate_frame(model, frame)
        if not report.passed:
            raise PublishError(f"claims failed their schema, nothing published: {report.summary()}")
    return {"claims": claims, "claim_facts": claim_facts}


def claim_parts(con: duckdb.DuckDBPyConnection, only_groups: bool = False
                ) -> Iterator[dict[str, pl.DataFrame]]:
    """``claims`` and ``claim_facts`` from the facts and documents loaded in ``con`` (with
    ``only_groups``, from the facts of the claim groups in ``_groups``), a part at a time, each
    checked by its Pandera models like every hop (a failure publishes nothing).

    A claim never spans two groups (``GROUP``), so the groups are split into parts by a hash
    and each part's claims are made from its facts alone: the same claims as from all facts at
    once, in memory for ``CLAIM_FACTS_PER_PART`` facts rather than for every fact.

    The next part's claims are made (polars and Pandera, on a thread) while the caller loads
    the last one: DuckDB checks claim_facts' keys on one core, and that leaves the other idle.
    ``con`` is only used from the caller's thread."""
    where = f" WHERE EXISTS (SELECT 1 FROM _groups g WHERE {_IN_GROUPS})" if only_groups else ""
    total = con.execute(f"SELECT count(*) FROM numeric_facts t{where}").fetchall()[0][0]
    parts = max(1, -(-total // CLAIM_FACTS_PER_PART))
    documents = query_frame(con, "SELECT doc_id, language, published_at FROM documents")
    part_of = f"hash({', '.join(f't.{c}' for c in GROUP)}) % {parts}"
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="claims") as making:
        made: Future[dict[str, pl.DataFrame]] | None = None
        for part in range(parts):
            facts = query_frame(con, f"SELECT {', '.join(FACT_COLUMNS)} FROM numeric_facts t"
                                f"{where or ' WHERE true'} AND {part_of} = {part}")
            previous, made = made, making.submit(_checked_claims, facts, documents)
            del facts  # held by the thread until its claims are made, not while they are loaded
            if previous is not None:
                yield previous.result()
        if made is not None:
            yield made.result()


def remove_orphans(path: Path) -> list[Path]:
    """Building files (and their WAL) left by a publish that was killed; called under the
    writer lock, so no live publish owns one."""
    orphans = sorted(path.parent.glob(f".{glob.escape(path.name)}.*.building*"))
    for orphan in orphans:
        orphan.unlink(missing_ok=True)
    return orphans


def dropped_share_error(dropped: int, published: int, max_dropped_share: float, source: str) -> str | None:
    """Why a publish that drops ``dropped`` of ``published`` documents is refused, or None."""
    if published == 0 or dropped / published <= max_dropped_share:
        return None
    return (f"refused: this run would drop {dropped} of the {published} published documents "
            f"({dropped / published:.0%}, more than MAX_DROPPED_SHARE={max_dropped_share:g}) because they are "
            f"no longer in {source} or no longer parse; the previous warehouse stays published. Check the folder, "
            "or set MAX_DROPPED_SHARE=1 for a run that is meant to remove them.")


def _fact_groups(con: duckdb.DuckDBPyConnection, rows: Rows) -> pl.DataFrame:
    """The claim groups (``GROUP``) some facts fall in: what a delta makes claims of again."""
    if isinstance(rows, StagedRows):
        if not rows.paths:
            return pl.DataFrame(schema={c: pl.String for c in GROUP})
        return query_frame(con, f"SELECT DISTINCT {', '.join(GROUP)} FROM read_parquet({_sql_list(rows.paths)})")
    return rows.select(GROUP).unique()


# A carried file's rows: the same path and bytes, made by the same pipeline version.
_CARRY_KEY = "USING (source_file, content_sha256, pipeline_version)"

# Facts of one (subject, metric, topic, unit) are all a claim of them depends on (the aspect
# and the year split a group further, never join two), so a delta makes the claims of the
# groups its new and removed facts fall in again, from every fact of those groups.
GROUP = ("subject", "metric", "topic", "unit")
_IN_GROUPS = " AND ".join(f"t.{c} IS NOT DISTINCT FROM g.{c}" for c in GROUP)


def _apply_removals(con: duckdb.DuckDBPyConnection, groups: list[pl.DataFrame]) -> None:
    """In a copy of the published warehouse: remove the rows of every file not carried over
    (``_carry``; changed, deleted, or now failing) and the claims of the groups their facts and
    the new facts (``groups``) fall in; the reference tables are emptied, to be loaded whole.
    Several transactions, because DuckDB checks a foreign key against rows deleted earlier in
    the same transaction; the copy is private until it is swapped in, so none is seen alone."""
    con.execute(f"CREATE TEMP TABLE _gone AS SELECT doc_id FROM documents ANTI JOIN _carry {_CARRY_KEY}")
    con.register("_new_groups", pl.concat(groups).unique().to_arrow())
    con.execute(f"CREATE TEMP TABLE _groups AS SELECT DISTINCT {', '.join(GROUP)} FROM numeric_facts "
                f"WHERE doc_id IN (SELECT doc_id FROM _gone) UNION SELECT {', '.join(GROUP)} FROM _new_groups")
    stale = f"SELECT claim_id FROM claims t WHERE EXISTS (SELECT 1 FROM _groups g WHERE {_IN_GROUPS})"
    con.execute(f"DELETE FROM claim_facts WHERE claim_id IN ({stale}) OR doc_id IN (SELECT doc_id FROM _gone)")
    con.execute(f"DELETE FROM claims WHERE claim_id IN ({stale})")
    con.execute("DELETE FROM numeric_facts WHERE doc_id IN (SELECT doc_id FROM _gone)")
    con.execute("DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM _gone)")
    con.execute(f"DELETE FROM quarantine WHERE source_file NOT IN (SELECT source_file FROM quarantine SEMI JOIN "
                f"_carry {_CARRY_KEY})")
    for table in ("entities", "fx_rates"):
        con.execute(f"DELETE FROM {table}")


def _carried_in_copy(con: duckdb.DuckDBPyConnection, carry: pl.DataFrame) -> set[str]:
    """The carried files the copy of the published warehouse holds rows of."""
    con.register("_carry", carry.to_arrow())
    found = con.execute(f"SELECT source_file FROM documents SEMI JOIN _carry {_CARRY_KEY} "
                        f"UNION SELECT source_file FROM quarantine SEMI JOIN _carry {_CARRY_KEY}").fetchall()
    return {row[0] for row in found}


class PublishedFileChanged(PublishError):
    """Another process wrote to the published file while (or since) this run read it."""


def written_since_message(path: Path, when: str) -> str:
    return (f"refused: the published warehouse {path} was written by another process {when} (a client that opened "
            "it read-write); nothing was replaced and its writes are kept. Run again: the next run keeps that "
            "client's tables and views and makes the pipeline's rows anew from the folder.")


def publish_warehouse(
    path: Path,
    documents: Rows,
    facts: Rows,
    quarantine: pl.DataFrame,
    *,
    carry: pl.DataFrame | None = None,
    recompute: Recompute | None = None,
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
    max_dropped_share: float = DEFAULT_MAX_DROPPED_SHARE,
    source: str = "the seeds folder",
    reference: dict[str, pl.DataFrame] | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    seeds_dir: str = "",
    run_id: str | None = None,
) -> PublishReport:
    """Build the warehouse in a new file and swap it in; raise ``PublishError`` on any failed check.

    ``documents`` and ``facts`` (frames, or Parquet files staged by the hops) and
    ``quarantine`` hold the rows of new and changed files. ``carry`` (source_file,
    content_sha256, pipeline_version) names unchanged files whose rows are copied from the
    published warehouse; any of them it no longer holds (another run replaced it meanwhile)
    are made again with ``recompute``. Files in neither are gone from the new warehouse,
    unless that drops more than ``max_dropped_share`` of the published documents: then
    nothing is published (``source`` names the folder in the message). A published file
    locked by another process is waited for ``lock_wait_seconds``, then ``WarehouseLocked``.
    ``reference`` (entities, fx_rates: made from the lexicons and rate data, written whole
    every time) defaults to ``hops.reference_frames()``. DuckDB may use ``memory_limit``.
    The file records the publish (``seeds_dir``, ``run_id``) in its ``publishes`` table.

    When the published file is as the pipeline's last publish left it, by the same warehouse
    code (``state.reusable``), the new file starts as a copy of it and only the change is
    applied: the rows of files not carried over are removed, the new rows loaded, the claims of
    the groups they touch made again, and the spans of the new facts checked
    (``PublishReport.delta``); the cost follows the change, not the corpus. Otherwise every
    carried row is copied into a new file, with the tables and views other clients made.
    A file another process wrote to since its last publish carries nothing (``carry`` must be
    empty: the raw hop then hands on every file), and one written to while this publish
    builds is not replaced (``PublishedFileChanged``).
    """
    from pipelines.hops import reference_frames  # the hops import this module's neighbours
    path = published_target(Path(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.{uuid.uuid4().hex}.building")
    with warehouse_turn(path):  # the step has taken it already; a caller without Dagster takes it here
        remove_orphans(path)
        read_as = FileIdentity.of(path)  # the published file this publish builds on
        with open_published(path, lock_wait_seconds, memory_limit) as published:
            foreign = None if published is None else not_the_pipelines(published)
            if foreign is not None:
                raise PublishError(foreign_file_message(path, foreign))
            previous = None if published is None else previous_detections(published)
            before = set() if published is None else published_documents(published)
            last = None if published is None else last_publish(published)
        if last is not None and written_since(path, last) and carry is not None and not carry.is_empty():
            raise PublishedFileChanged(written_since_message(path, "since this run read it"))
        delta = carry is not None and reusable(path, last)
        quarantine = keep_first_detection(quarantine, previous)
        modified_ns = publish_time_ns()
        try:
            config = {"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION, "memory_limit": memory_limit}
            if delta:
                shutil.copyfile(path, building)
            kept: tuple[str, ...] = ()
            with duckdb.connect(str(building), config=config) as con:
                if delta:
                    carried = _carried_in_copy(con, carry)
                else:
                    create_schema(con)
                    carried = _carry_over(con, path, carry, lock_wait_seconds) if carry is not None else set()
                    kept = _keep_from_published(con, path, lock_wait_seconds)
                sources: dict[str, list[Rows]] = {"documents": [documents], "numeric_facts": [facts],
                                                  "quarantine": [quarantine]}
                if carry is not None and recompute is not None:
                    missing = sorted(set(carry["source_file"].to_list()) - carried)
                    if missing:
                        for rows, extra in zip(sources.values(), recompute(missing), strict=True):
                            rows.append(extra)
                for table, frame in (reference if reference is not None else reference_frames()).items():
                    sources[table] = [frame]
                if delta:
                    _apply_removals(con, [_fact_groups(con, rows) for rows in sources["numeric_facts"]])
                con.execute("BEGIN TRANSACTION")
                try:
                    for table, parts in sources.items():
                        for rows in parts:
                            _load(con, table, rows)
                    # Claims are made from the published facts, carried over or new, so a claim
                    # changes exactly when one of its documents does: in a delta, the claims of
                    # the groups the change touched, from every fact of those groups.
                    for part in claim_parts(con, only_groups=delta):
                        for table, frame in part.items():
                            _load(con, table, frame)
                except duckdb.ConstraintException as exc:  # a key or foreign-key violation
                    con.execute("ROLLBACK")
                    raise PublishError(f"warehouse constraint violated, nothing published: {exc}") from exc
                # Committed to the building file only: a failure below discards that file.
                con.execute("COMMIT")
                if delta:  # the new documents, whose facts' spans are the ones to check (a table the
                    # checks' cursors see, unlike a temporary one; dropped before the swap)
                    con.execute(f"CREATE TABLE _new_docs AS SELECT doc_id FROM documents ANTI JOIN _carry {_CARRY_KEY}")
                results = run_checks(con, new_only=delta)
                con.execute("DROP TABLE IF EXISTS _new_docs")
                raise_on_failed_checks(results, "warehouse checks failed, nothing published")
                after = {row[0] for row in con.execute("SELECT source_file FROM documents").fetchall()}
                dropped = len(before - after)
                refusal = dropped_share_error(dropped, len(before), max_dropped_share, source)
                if refusal:
                    raise PublishError(refusal, results)
                publish = _publish_row(con, modified_ns=modified_ns, how="delta" if delta else "new_file",
                                       seeds_dir=seeds_dir, run_id=run_id, carried=len(carried), dropped=dropped)
                counts = table_counts(con)
                summaries = {name: query_frame(con, sql) for name, sql in sql_summaries().items()}
                con.execute("CHECKPOINT")
            os.utime(building, ns=(modified_ns, modified_ns))  # what the publishes row records
            if FileIdentity.of(path) != read_as:
                raise PublishedFileChanged(written_since_message(path, "while this run built the next warehouse"))
            os.replace(building, path)
        finally:
            for leftover in (building, building.with_name(building.name + ".wal")):
                leftover.unlink(missing_ok=True)
    return PublishReport(path, counts, results, summaries, carried=len(carried), dropped=dropped, delta=delta,
                         publish=publish, kept_objects=kept)
