"""Core layer: parsed documents and extracted numeric facts, each checked by its Pandera
model before anything downstream runs. Rejected files go to the quarantine frames."""


import dagster as dg
import polars as pl

from pipelines.checks import pandera_check_result, pandera_check_spec, preview, schema_metadata
from pipelines.hops import extract_hop, parse_hop, span_mismatches
from pipelines.schema.tables import Documents, NumericFacts, Quarantine
from pipelines.version import pipeline_version


def _counts(frame: pl.DataFrame, *columns: str) -> dg.MetadataValue:
    if frame.is_empty():
        return dg.MetadataValue.md("(none)")
    table = frame.group_by(*columns).len().sort(*columns)
    lines = ["| " + " | ".join([*columns, "rows"]) + " |", "|" + "---|" * (len(columns) + 1)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in table.iter_rows()]
    return dg.MetadataValue.md("\n".join(lines))


def _frame_out(model, description: str) -> dg.AssetOut:
    return dg.AssetOut(group_name="core", kinds={"polars"}, metadata=schema_metadata(model), description=description)


def _rejects_output(rejects: pl.DataFrame, output_name: str) -> dg.Output:
    return dg.Output(rejects, output_name=output_name, metadata={
        "dagster/row_count": rejects.height,
        "rejected_files": preview(rejects, ["source_file", "stage", "reason"], rows=50),
    })


@dg.multi_asset(
    outs={
        "parsed_documents": _frame_out(
            Documents, "One record per new or changed readable article: shape, header fields (title, author, publisher, dates, "
            "URL), cleaned body (Markdown, URLs and page chrome removed), languages and page metrics.",
        ),
        "parse_rejects": _frame_out(
            Quarantine, "Files that could not be read or parsed (empty, binary, broken front matter ...), with why.",
        ),
    },
    check_specs=[pandera_check_spec(Documents, "parsed_documents"), pandera_check_spec(Quarantine, "parse_rejects")],
    code_version=pipeline_version(),
)
def parse_documents(raw_seed_files: pl.DataFrame):
    documents, rejects = parse_hop(raw_seed_files)
    yield dg.Output(documents, output_name="parsed_documents", metadata={
        "dagster/row_count": documents.height,
        "by_format_and_language": _counts(documents, "format", "language"),
        "preview": preview(documents, ["doc_id", "source_file", "format", "language", "title"]),
    })
    yield _rejects_output(rejects, "parse_rejects")
    yield pandera_check_result(Documents, documents, "parsed_documents")
    yield pandera_check_result(Quarantine, rejects, "parse_rejects")


@dg.multi_asset(
    outs={
        "extracted_facts": _frame_out(
            NumericFacts, "Numeric facts (money, percent, people, multiple) found in each document's body, with "
            "normalised value, unit, category, qualifier, year and the exact source span (GUIDELINES.md).",
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
def extract_facts(parsed_documents: pl.DataFrame):
    facts, rejects = extract_hop(parsed_documents)
    yield dg.Output(facts, output_name="extracted_facts", metadata={
        "dagster/row_count": facts.height,
        "facts_by_kind_and_category": _counts(facts, "quantity_kind", "category"),
        "preview": preview(facts, ["quantity_kind", "value", "value_high", "unit", "category", "qualifier", "text"]),
    })
    yield _rejects_output(rejects, "extract_rejects")
    yield pandera_check_result(NumericFacts, facts, "extracted_facts")
    mismatches = span_mismatches(parsed_documents, facts)
    yield dg.AssetCheckResult(
        asset_key="extracted_facts", check_name="spans_match_body", passed=mismatches.is_empty(),
        metadata={"mismatches": mismatches.height,
                  "examples": preview(mismatches, mismatches.columns) if mismatches.height else "none"},
    )
    yield pandera_check_result(Quarantine, rejects, "extract_rejects")
